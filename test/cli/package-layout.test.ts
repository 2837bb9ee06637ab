import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN } from "./cli-harness.ts";

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

// The packed package in seconds; test/installed/packed-cli.installed.ts builds, packs, installs and runs it.
describe("the missions package: what npm pack ships and which code bin/missions.js runs", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "missions-layout-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("ships the command, the built lib/ (made by prepack), prompts, skills and the example brief, and no source or tests", () => {
    const packageJson = JSON.parse(readFileSync(join(PROJECT, "package.json"), "utf8"));
    expect(packageJson.bin).toEqual({ missions: "bin/missions.js" });
    expect(packageJson.scripts.prepack).toBe("npm run build");
    expect(packageJson.scripts.build).toContain("tsconfig.build.json");
    // The build copies what the code reads beside itself (the tools' descriptions) into lib/.
    expect(packageJson.scripts.build).toContain("cpSync('src', 'lib'");
    const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PROJECT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as Array<{ files: Array<{ path: string }> }>;
    const files = packed!.files.map((file) => file.path);
    for (const path of ["bin/missions.js", "app.yml", "prompts/worker.md", "prompts/turns/plan.md", "skills/typescript-node/SKILL.md", "examples/BRIEF.md", "README.md"]) expect(files).toContain(path);
    expect(files.filter((path) => /^(src|test|bench)\//.test(path) || path.endsWith(".map"))).toEqual([]);
  });

  it("answers npm exec missions (npx missions) in the clone, and npm exec --prefix <clone> missions from another repository, as the README says", () => {
    const exec = (cwd: string, args: string[]) => spawnSync("npm", ["exec", ...args, "missions", "--", "--help"], { cwd, encoding: "utf8" });
    const inClone = exec(PROJECT, []);
    expect(inClone.status).toBe(0);
    expect(inClone.stdout).toContain("Usage: missions [options] [command]");
    const repository = join(root, "my-repo");
    mkdirSync(repository);
    execFileSync("git", ["init", "--quiet"], { cwd: repository });
    const elsewhere = exec(repository, ["--prefix", PROJECT]);
    expect(elsewhere.status).toBe(0);
    expect(elsewhere.stdout).toMatch(/run \[options\] <brief>/);
  });

  /** A copy of bin/missions.js in `folder`, beside stand-ins for the built and the source entry points. */
  function layout(folder: string, parts: { built: boolean; source: boolean }): string {
    mkdirSync(join(folder, "bin"), { recursive: true });
    copyFileSync(BIN, join(folder, "bin", "missions.js"));
    writeFileSync(join(folder, "package.json"), JSON.stringify({ name: "missions", type: "module" }));
    if (parts.built) {
      mkdirSync(join(folder, "lib", "cli"), { recursive: true });
      writeFileSync(join(folder, "lib", "cli", "main.js"), 'console.log("built");\n');
    }
    if (parts.source) {
      mkdirSync(join(folder, "src", "cli"), { recursive: true });
      writeFileSync(join(folder, "src", "cli", "main.ts"), 'const where: string = "source";\nconsole.log(where);\n');
    }
    return join(folder, "bin", "missions.js");
  }
  const run = (bin: string) => spawnSync(process.execPath, [bin], { encoding: "utf8" });

  it("runs the built JavaScript when installed under node_modules, the TypeScript source in a clone", () => {
    expect(run(layout(join(root, "project", "node_modules", "missions"), { built: true, source: true })).stdout).toBe("built\n");
    expect(run(layout(join(root, "clone"), { built: true, source: true })).stdout).toBe("source\n");
    expect(run(layout(join(root, "unbuilt-clone"), { built: false, source: true })).stdout).toBe("source\n");
  });

  it("says what to do, with exit code 2, when an installed copy has no built JavaScript", () => {
    const result = run(layout(join(root, "project", "node_modules", "missions"), { built: false, source: true }));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("no built JavaScript (lib/)");
  });
});
