import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { startCliHarness, type CliHarness } from "../cli/cli-harness.ts";

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * `npx missions` where Missions is installed as a package, as a person installs it (`npm run
 * test:installed`: the build and the install take minutes on a loaded machine;
 * test/cli/package-layout.test.ts checks the layout in seconds): `npm pack` (which builds lib/ in its
 * prepack script) makes the tarball, and `npm install <tarball>` puts it into another project with its
 * dependencies, resolved by npm as for anyone (from npm's cache where it has them). Node refuses
 * TypeScript under node_modules, so this runs only if the package's built JavaScript, prompts, skills
 * and tool descriptions are all in the tarball and its dependencies are all declared.
 */
describe("missions installed from the packed tarball", () => {
  let root: string;
  let project: string;
  let cli: CliHarness;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "missions-packed-"));
    const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", root], { cwd: PROJECT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((file) => file.path);
    expect(files).toContain("lib/cli/main.js");
    expect(files.some((path) => path.startsWith("src/"))).toBe(false);
    project = join(root, "project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "a-project", version: "1.0.0", private: true }));
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(root, packed[0]!.filename)], { cwd: project, stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
    cli = await startCliHarness(FIXTURE_FILES, { bin: join(project, "node_modules", ".bin", "missions") });
  }, 900_000);
  afterAll(async () => {
    await cli?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("npx missions --help answers in the project it was installed into, from the built JavaScript", () => {
    // The link npm made runs the package's command, in node_modules: no TypeScript is involved.
    expect(realpathSync(join(project, "node_modules", ".bin", "missions"))).toBe(join(realpathSync(project), "node_modules", "missions", "bin", "missions.js"));
    const help = execFileSync("npx", ["--no-install", "missions", "--help"], { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(help).toContain("Usage: missions [options] [command]");
    expect(help).toMatch(/run \[options\] <brief>/);
  });

  it("runs a whole mission to exit 0", async () => {
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const result = await cli.run(["run", "BRIEF.md", "--yes", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const last = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { event: string; status: string };
    expect(last).toMatchObject({ event: "finished", status: "done" });
  }, 300_000);
});
