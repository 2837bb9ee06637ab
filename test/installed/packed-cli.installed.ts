import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { startCliHarness, type CliHarness } from "../cli/cli-harness.ts";

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The packages `npm install` would give an installed Missions: the production dependencies and theirs
 * (no devDependencies), as the folders of this clone's node_modules that hold them.
 */
function productionPackages(): string[] {
  const parseable = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: PROJECT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const top = join(PROJECT, "node_modules") + sep;
  const names = new Set<string>();
  for (const path of parseable.split("\n")) {
    if (!path.startsWith(top)) continue;
    const name = path.slice(top.length);
    // Nested copies are found from their parent's real folder: only the top level is linked.
    if (!name.includes(`${sep}node_modules${sep}`) && name !== "") names.add(name);
  }
  return [...names];
}

/**
 * `npx missions` where Missions is installed as a package (`npm run test:installed`: the build takes
 * minutes on a loaded machine; test/cli/package-layout.test.ts checks the layout in seconds): `npm pack` (which builds lib/ in its
 * prepack script) makes the tarball; it is unpacked into another project's node_modules, beside its
 * production dependencies only (linked from this clone: no registry needed), with the `.bin` link npm
 * makes. Node refuses TypeScript under node_modules, so this runs only if the package's built
 * JavaScript, prompts, skills and tool descriptions are all in the tarball.
 */
describe("missions installed from the packed tarball", () => {
  let root: string;
  let cli: CliHarness;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "missions-packed-"));
    const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", root], { cwd: PROJECT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((file) => file.path);
    expect(files).toContain("lib/cli/main.js");
    expect(files.some((path) => path.startsWith("src/"))).toBe(false);
    const modules = join(root, "project", "node_modules");
    mkdirSync(modules, { recursive: true });
    execFileSync("tar", ["-xzf", join(root, packed[0]!.filename), "-C", modules]);
    renameSync(join(modules, "package"), join(modules, "missions"));
    for (const name of productionPackages()) {
      mkdirSync(dirname(join(modules, name)), { recursive: true });
      if (!existsSync(join(modules, name))) symlinkSync(join(PROJECT, "node_modules", name), join(modules, name), "dir");
    }
    mkdirSync(join(modules, ".bin"));
    const bin = join(modules, ".bin", "missions");
    symlinkSync(relative(join(modules, ".bin"), join(modules, "missions", "bin", "missions.js")), bin);
    cli = await startCliHarness(FIXTURE_FILES, { bin });
  }, 600_000);
  afterAll(async () => {
    await cli?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("explains itself with --help and runs a whole mission to exit 0", async () => {
    const help = await cli.run(["--help"]);
    expect(help.stderr).toBe("");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: missions [options] [command]");

    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const result = await cli.run(["run", "BRIEF.md", "--yes", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const last = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { event: string; status: string };
    expect(last).toMatchObject({ event: "finished", status: "done" });
  }, 300_000);
});
