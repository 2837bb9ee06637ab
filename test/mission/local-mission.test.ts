import { describe, expect, it } from "vitest";
import { isLocalMission, isLocalMissionOf, localRepositoryId } from "../../src/mission/local-mission.ts";

const repo = (owner: string, name: string, installationId: number) => ({ repo: { owner, name, installationId, defaultBranch: "main" } });

describe("local missions: told apart from the app's, and by repository path", () => {
  it("is a local mission only without an installation: a GitHub account named local is the app's", () => {
    expect(isLocalMission(repo("local", "app", localRepositoryId("/home/a/app")))).toBe(true);
    expect(isLocalMission(repo("local", "app", 0))).toBe(true);
    expect(isLocalMission(repo("local", "app", 4242))).toBe(false);
    expect(isLocalMission(repo("octo", "app", 0))).toBe(false);
  });

  it("keys a repository by its absolute path, so two folders named app do not see each other's missions", () => {
    const first = localRepositoryId("/home/a/app");
    expect(first).toBeLessThan(0);
    expect(localRepositoryId("/home/a/app")).toBe(first);
    expect(localRepositoryId("/home/b/app")).not.toBe(first);
    expect(isLocalMissionOf(repo("local", "app", first), "/home/a/app", "app")).toBe(true);
    expect(isLocalMissionOf(repo("local", "app", first), "/home/b/app", "app")).toBe(false);
    // A mission of an earlier release (no id) is still found by its folder name.
    expect(isLocalMissionOf(repo("local", "app", 0), "/home/b/app", "app")).toBe(true);
  });
});
