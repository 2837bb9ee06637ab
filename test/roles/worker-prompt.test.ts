import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyIntent, type Feature, type Mission } from "../../src/mission/index.ts";
import { workerPrompt } from "../../src/roles/index.ts";
import { awaitingApproval, intent, PLAN } from "../mission/fixtures.ts";

const directory = mkdtempSync(join(tmpdir(), "worker-prompt-"));
writeFileSync(join(directory, "AGENTS.md"), "Use tabs.\n");
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A mission whose first `done` extra features are finished, each with a handoff. */
function missionWith(done: number): Mission {
  const approved = applyIntent(awaitingApproval(), intent("approve"), "t", { maxBudgetUsd: 10 });
  const extra: Feature[] = Array.from({ length: done }, (_, index) => ({
    id: `F${index + 3}`,
    milestoneId: "M1",
    title: `Feature number ${index + 3}`,
    description: "x",
    assertionIds: ["VAL-A-001"],
  }));
  const features = Object.fromEntries(
    extra.map((feature) => [
      feature.id,
      {
        status: "done" as const,
        attempts: 1,
        handoff: { status: "done" as const, summary: `Built ${feature.title} with a paragraph of detail. `.repeat(3), completed: [], leftUndone: [], commandsRun: [], issuesDiscovered: [], testsWrittenFirst: true, testsRun: true },
      },
    ]),
  );
  return { ...approved, extraFeatures: extra, features: { ...approved.features, ...features } };
}

describe("the worker's first message", () => {
  it("carries the feature, its assertions, the repository's agent instructions and earlier handoffs' summaries", async () => {
    const { context, task } = await workerPrompt(missionWith(2), PLAN.features[0]!, directory);
    // What every feature of the mission shares comes first, so providers can cache it.
    expect(context).toContain("Two features, one milestone.");
    expect(context).toContain("Use tabs.");
    expect(context).not.toContain("F1");
    expect(task).toMatch(/^# Feature F1: One/);
    expect(task).toContain("`VAL-A-001` one works — verified by: test");
    expect(task).not.toContain("VAL-A-002");
    expect(task).toContain("- F3 Feature number 3: Built Feature number 3");
  });

  it("stays the same size as the mission grows", async () => {
    const feature = PLAN.features[0]!;
    const sizes = await Promise.all([5, 20, 60].map(async (done) => (await workerPrompt(missionWith(done), feature, directory)).task.length));
    // Past the digest's window one line counts the older features; ids and titles gain a digit.
    expect(sizes[1]! - sizes[0]!).toBeLessThanOrEqual(100);
    expect(sizes[2]! - sizes[1]!).toBeLessThanOrEqual(2);
    const { task: long } = await workerPrompt(missionWith(60), feature, directory);
    expect(long).toContain("(55 earlier features are in the branch's history)");
    expect(long).toContain("- F62 Feature number 62");
    expect(long).not.toContain("- F10 ");
  });
});
