import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectCommands } from "../../src/workspace/index.ts";

describe("detectCommands", () => {
  const dirs: string[] = [];
  const repo = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "detect-"));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(dir, name, ".."), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("uses npm scripts, with npm ci when there is a lockfile", () => {
    expect(detectCommands(repo({ "package.json": JSON.stringify({ scripts: { test: "vitest", lint: "eslint .", typecheck: "tsc" } }), "package-lock.json": "{}" }))).toEqual({
      install: "npm ci",
      test: "npm test",
      lint: "npm run lint",
      typecheck: "npm run typecheck",
    });
    expect(detectCommands(repo({ "package.json": JSON.stringify({ scripts: { test: "jest" } }) }))).toEqual({ install: "npm install", test: "npm test" });
  });

  it("ignores npm's placeholder test script and unreadable manifests", () => {
    expect(detectCommands(repo({ "package.json": JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }) }))).toEqual({});
    expect(detectCommands(repo({ "package.json": "{ not json", Makefile: "test:\n\tpytest\n" }))).toEqual({ test: "make test" });
  });

  it("knows Go, Cargo and pytest, and nothing else", () => {
    expect(detectCommands(repo({ "go.mod": "module x" }))).toEqual({ test: "go test ./...", lint: "go vet ./..." });
    expect(detectCommands(repo({ "Cargo.toml": "[package]" }))).toEqual({ test: "cargo test" });
    expect(detectCommands(repo({ "pyproject.toml": "[tool.pytest.ini_options]" }))).toEqual({ test: "python -m pytest" });
    expect(detectCommands(repo({ "README.md": "hi" }))).toEqual({});
  });
});

describe("detectCommands and hostile manifests", () => {
  it("ignores manifests that are links out of the repository, devices or pipes", () => {
    const dir = mkdtempSync(join(tmpdir(), "detect-"));
    try {
      symlinkSync("/dev/zero", join(dir, "package.json"));
      execFileSync("mkfifo", [join(dir, "Makefile")]);
      symlinkSync("/etc/hostname", join(dir, "go.mod"));
      expect(detectCommands(dir)).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("detectCommands racing a writer", () => {
  it("never reads a manifest through a link swapped in between its check and its read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "detect-race-"));
    const outside = mkdtempSync(join(tmpdir(), "detect-outside-"));
    // Outside the checkout: a manifest whose test script would betray that it was read.
    writeFileSync(join(outside, "package.json"), JSON.stringify({ scripts: { test: "leaked" } }));
    writeFileSync(join(dir, "plain.json"), JSON.stringify({ scripts: {} }));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ scripts: {} }));
    // A writer flipping package.json between a file and a link out, atomically, as fast as it can.
    const flipper = spawn(
      "bash",
      ["-c", `cd "$1" && while true; do ln -sfn "$2/package.json" l.tmp && mv -T l.tmp package.json; cp plain.json f.tmp && mv -T f.tmp package.json; done`, "flip", dir, outside],
      { stdio: "ignore" },
    );
    try {
      let leaks = 0;
      let reads = 0;
      const until = Date.now() + 2_000;
      while (Date.now() < until || reads < 500) {
        if (detectCommands(dir).test === "npm test") leaks++;
        reads++;
        // Let the flipper run between reads on a loaded machine.
        if (reads % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      expect(leaks).toBe(0);
    } finally {
      flipper.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
