import { execFileSync } from "node:child_process";
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
