import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { missionResponder } from "../e2e/mission-script.ts";
import { appConfig, BUGGY, FIXED, FORM_PLAN, qa } from "../e2e/user-testing-script.ts";
import { startCliHarness, type CliHarness } from "./cli-harness.ts";

// The user tester drives the app in headless Chromium; its screenshots are kept beside the local report.
describe("missions run with user testing: the reports include the screenshots", { timeout: 300_000 }, () => {
  let cli: CliHarness;
  beforeEach(async () => {
    cli = await startCliHarness({ "README.md": "# Greeter\n", ".github/missions.yml": await appConfig() });
  });
  afterEach(async () => {
    await cli.close();
  });

  it("writes each user-testing report with its screenshots, as PNG files linked from the Markdown and listed in the JSON", async () => {
    cli.models.script(missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": BUGGY }, F2: { "server.js": FIXED } }, userTest: qa }));
    const result = await cli.run(["run", "BRIEF.md", "--yes", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const checks = join(cli.repo, ".missions", cli.missionIds()[0]!, "checks");
    const reports = readdirSync(checks).filter((name) => name.startsWith("mission-user-testing-") && name.endsWith(".md"));
    // Red on the first commit, green on the repair: each with what the browser showed.
    expect(reports).toHaveLength(2);
    for (const report of reports) {
      const markdown = readFileSync(join(checks, report), "utf8");
      const json = JSON.parse(readFileSync(join(checks, report.replace(/\.md$/, ".json")), "utf8")) as { screenshots?: string[] };
      expect(json.screenshots?.length).toBeGreaterThan(0);
      expect(markdown).toContain("## Screenshots");
      for (const screenshot of json.screenshots!) {
        expect(markdown).toContain(`](${encodeURI(screenshot)})`);
        // A real PNG, copied out of the workspaces (a cache) next to the report.
        expect(readFileSync(join(checks, screenshot)).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      }
    }
  });
});
