import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bashTool, globTool, grepTool, ToolError, type ToolContext } from "../../src/agent/index.ts";
import { UnconfinedRunner } from "../../src/workspace/index.ts";

describe("glob, grep and bash", () => {
  let root: string;
  let outside: string;
  let context: ToolContext;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "tools-root-"));
    outside = mkdtempSync(join(tmpdir(), "tools-outside-"));
    mkdirSync(join(root, "src/nested"), { recursive: true });
    mkdirSync(join(root, "node_modules/dep"), { recursive: true });
    writeFileSync(join(root, "src/a.ts"), "export const answer = 42;\n");
    writeFileSync(join(root, "src/nested/b.ts"), "// TODO: answer later\n");
    writeFileSync(join(root, "node_modules/dep/index.ts"), "answer\n");
    // Dependency folders kept between steps: a Python virtualenv, a Rust build.
    mkdirSync(join(root, ".venv/lib"), { recursive: true });
    writeFileSync(join(root, ".venv/lib/site.ts"), "answer\n");
    mkdirSync(join(root, "target/debug"), { recursive: true });
    writeFileSync(join(root, "target/debug/out.ts"), "answer\n");
    writeFileSync(join(outside, "secret.ts"), "answer = 'secret'\n");
    symlinkSync(outside, join(root, "linked"));
    context = {
      root,
      readFiles: new Set(),
      shell: { runner: new UnconfinedRunner(), env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, maxTimeoutMs: 5_000, ran: [] },
    };
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it("glob finds files by pattern, skipping node_modules and links out of the repository", async () => {
    expect(await globTool.execute({ pattern: "**/*.ts" }, context)).toBe("src/a.ts\nsrc/nested/b.ts");
    expect(await globTool.execute({ pattern: "*.md" }, context)).toBe("(no matches)");
    // A pattern that starts inside a dependency folder asked for it: an installed library is read there.
    expect(await globTool.execute({ pattern: "node_modules/dep/**" }, context)).toBe("node_modules/dep\nnode_modules/dep/index.ts");
    expect(await globTool.execute({ pattern: "node_modules/dep/index.ts" }, context)).toBe("node_modules/dep/index.ts");
    expect(await globTool.execute({ pattern: ".venv/**/*.ts" }, context)).toBe(".venv/lib/site.ts");
    mkdirSync(join(root, ".git"));
    writeFileSync(join(root, ".git/config"), "[core]\n");
    expect(await globTool.execute({ pattern: ".git/**" }, context)).toBe("(no matches)");
    expect(await globTool.execute({ pattern: "**/config" }, context)).toBe("(no matches)");
    await expect(globTool.execute({ pattern: "../**" }, context)).rejects.toBeInstanceOf(ToolError);
  });

  it("grep never echoes what ripgrep said about the files it read, only a pattern it could not parse", async () => {
    // ripgrep quotes the lines of ignore files it could not parse, and names files it could not read:
    // an ignore file a command linked to a host secret would be read out. A ripgrep that fails with
    // such words stands in for every way it can (as root, few are reachable on purpose).
    const bin = mkdtempSync(join(tmpdir(), "tools-rg-"));
    try {
      writeFileSync(join(bin, "rg"), "#!/bin/sh\necho './.ignore: line 1: error parsing glob TOP-SECRET-LINE{' >&2\nexit 2\n", { mode: 0o755 });
      const failing = { ...context, shell: { ...context.shell!, env: { PATH: `${bin}:/usr/bin:/bin` } } };
      const error = await grepTool.execute({ pattern: "answer" }, failing).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ToolError);
      expect((error as Error).message).toBe("grep failed: ripgrep exited with 2");
      // The real ripgrep's own words about a pattern are the model's to read.
      await expect(grepTool.execute({ pattern: "(unclosed" }, context)).rejects.toThrow(/regex parse error/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it("grep searches contents with line numbers, within the repository only", async () => {
    expect(await grepTool.execute({ pattern: "answer", glob: "*.ts" }, context)).toBe("src/a.ts:1:export const answer = 42;\nsrc/nested/b.ts:1:// TODO: answer later");
    expect(await grepTool.execute({ pattern: "ANSWER", ignore_case: true, path: "src/nested" }, context)).toBe("src/nested/b.ts:1:// TODO: answer later");
    expect(await grepTool.execute({ pattern: "nothing-like-this" }, context)).toBe("(no matches)");
    expect(await grepTool.execute({ pattern: "secret" }, context)).toBe("(no matches)");
    await expect(grepTool.execute({ pattern: "x", path: "linked" }, context)).rejects.toThrow(/outside the repository through a symbolic link/);
    await expect(grepTool.execute({ pattern: "(unclosed" }, context)).rejects.toThrow(/grep failed/);
    // One file searched is named too; a binary file is left out, as in a directory.
    expect(await grepTool.execute({ pattern: "answer", path: "src/a.ts" }, context)).toBe("src/a.ts:1:export const answer = 42;");
    writeFileSync(join(root, "src/blob.bin"), "answer\u0000binary\n");
    expect(await grepTool.execute({ pattern: "answer", path: "src" }, context)).toBe("src/a.ts:1:export const answer = 42;\nsrc/nested/b.ts:1:// TODO: answer later");
  });

  it("bash runs in the repository, reports the exit code, records the command and stops at the timeout", async () => {
    expect(await bashTool.execute({ command: "ls src && exit 3" }, context)).toBe("exit 3\na.ts\nnested\n");
    expect(await bashTool.execute({ command: "sleep 10", timeout_seconds: 1 }, context)).toMatch(/^killed after 1s \(timed out\)/);
    expect(context.shell!.ran).toEqual([{ command: "ls src && exit 3", exitCode: 3 }, { command: "sleep 10", exitCode: 137 }]);
    await expect(bashTool.execute({ command: "true" }, { root, readFiles: new Set() })).rejects.toThrow(/no shell/);
  });

  it("bash keeps a command within the mission's command limit, says so, and runs none once the run's time is up", async () => {
    const limited = { ...context, shell: { ...context.shell!, maxTimeoutMs: 1_000 } };
    expect(await bashTool.execute({ command: "sleep 10", timeout_seconds: 3600 }, limited)).toMatch(/^killed after 1s \(timed out \(limited from 3600s: the mission's command limit is 1s/);
    await expect(bashTool.execute({ command: "true" }, { ...context, timeLeftMs: () => 0 })).rejects.toThrow(/time is up/);
  });
});
