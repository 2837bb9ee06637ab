import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { citedScreenshots, readScreenshot } from "../../src/control/dashboard/screenshots.ts";

describe("user-testing screenshots on the dashboard", () => {
  it("are matched to evidence by whole file name", () => {
    const files = ["shot-1.png", "shot-10.png", "screenshot-01.png"];
    expect(citedScreenshots(files, "The form shows the error (shot-10.png).")).toEqual(["shot-10.png"]);
    expect(citedScreenshots(files, "See screenshot-01.png. Then shot-1.png")).toEqual(["shot-1.png", "screenshot-01.png"]);
    expect(citedScreenshots(files, "nothing cited")).toEqual([]);
  });

  it("are read as files, never through a symbolic link", async () => {
    const dir = await mkdtemp(join(tmpdir(), "evidence-"));
    try {
      await writeFile(join(dir, "secret.txt"), "secret");
      await writeFile(join(dir, "shot.png"), "png");
      await symlink(join(dir, "secret.txt"), join(dir, "link.png"));
      expect((await readScreenshot(join(dir, "shot.png")))?.toString()).toBe("png");
      expect(await readScreenshot(join(dir, "link.png"))).toBeUndefined();
      expect(await readScreenshot(join(dir, "missing.png"))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
