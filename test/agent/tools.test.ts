import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { editFileTool, listFilesTool, readFileTool, resolveInRoot, ToolError, truncateOutput, writeFileTool } from "../../src/agent/index.ts";
import type { ToolContext } from "../../src/agent/index.ts";

let root: string;
let outside: string;
let context: ToolContext;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "missions-tools-root-")));
  outside = await realpath(await mkdtemp(join(tmpdir(), "missions-tools-outside-")));
  context = { root, readFiles: new Set() };
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

/** Runs a tool through its schema, as the agent loop does. */
function run<Args>(tool: { parameters: { parse(input: unknown): Args }; execute(args: Args, context: ToolContext): Promise<string> }, input: unknown): Promise<string> {
  return tool.execute(tool.parameters.parse(input), context);
}

async function expectToolError(promise: Promise<unknown>, message: RegExp): Promise<ToolError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ToolError);
  expect((error as Error).message).toMatch(message);
  return error as ToolError;
}

function numberedLines(count: number): string {
  return Array.from({ length: count }, (_, index) => `line ${index + 1}`).join("\n");
}

describe("read_file", () => {
  it("numbers lines from 1 with a tab", async () => {
    await writeFile(join(root, "a.txt"), "alpha\nbeta\ngamma");
    expect(await run(readFileTool, { path: "a.txt" })).toBe("1\talpha\n2\tbeta\n3\tgamma");
  });

  it("reads a window with offset and limit and says how many lines are left and where to continue", async () => {
    await writeFile(join(root, "long.txt"), numberedLines(10));
    const output = await run(readFileTool, { path: "long.txt", offset: 3, limit: 4 });
    expect(output).toBe("3\tline 3\n4\tline 4\n5\tline 5\n6\tline 6\n[… 4 more lines; use offset 7]");
  });

  it("has no 'more lines' note when the window reaches the end", async () => {
    await writeFile(join(root, "long.txt"), numberedLines(10));
    const output = await run(readFileTool, { path: "long.txt", offset: 8 });
    expect(output).toBe("8\tline 8\n9\tline 9\n10\tline 10");
    expect(output).not.toContain("more lines");
  });

  it("reads 2000 lines by default", async () => {
    await writeFile(join(root, "huge.txt"), numberedLines(2500));
    const output = await run(readFileTool, { path: "huge.txt" });
    const lines = output.split("\n");
    expect(lines[0]).toBe("1\tline 1");
    expect(lines[1999]).toBe("2000\tline 2000");
    expect(lines[2000]).toBe("[… 500 more lines; use offset 2001]");
    expect(lines).toHaveLength(2001);
  });

  // An empty file is not one blank line; a final newline does not start another line.
  it("says so for an empty file", async () => {
    await writeFile(join(root, "empty.txt"), "");
    expect(await run(readFileTool, { path: "empty.txt" })).toBe("(empty file)");
  });

  it("reads files in subdirectories", async () => {
    await mkdir(join(root, "src", "lib"), { recursive: true });
    await writeFile(join(root, "src", "lib", "x.ts"), "export const x = 1;");
    expect(await run(readFileTool, { path: "src/lib/x.ts" })).toBe("1\texport const x = 1;");
  });

  it("refuses an invalid offset or limit through its schema", () => {
    expect(readFileTool.parameters.safeParse({ path: "a", offset: 0 }).success).toBe(false);
    expect(readFileTool.parameters.safeParse({ path: "a", limit: 5001 }).success).toBe(false);
    expect(readFileTool.parameters.safeParse({ path: "a", offset: 1.5 }).success).toBe(false);
  });

  it("reports a missing file as a ToolError that points to list_files", async () => {
    const error = await expectToolError(run(readFileTool, { path: "nope.txt" }), /"nope\.txt" does not exist/);
    expect(error.message).toContain("list_files");
  });

  it("reports a directory as a ToolError that points to list_files", async () => {
    await mkdir(join(root, "src"));
    const error = await expectToolError(run(readFileTool, { path: "src" }), /"src" is a directory/);
    expect(error.message).toContain("list_files");
  });

  it("refuses a binary file", async () => {
    await writeFile(join(root, "image.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d, 0x0a]));
    await expectToolError(run(readFileTool, { path: "image.png" }), /"image\.png" is a binary file/);
    expect(context.readFiles.size).toBe(0);
  });

  it("remembers the file as read, so it may be edited", async () => {
    await writeFile(join(root, "a.txt"), "x");
    await run(readFileTool, { path: "a.txt" });
    expect(context.readFiles.has(join(root, "a.txt"))).toBe(true);
  });

  it("may read inside .git (reading runs no code)", async () => {
    await mkdir(join(root, ".git"));
    await writeFile(join(root, ".git", "HEAD"), "ref: refs/heads/main");
    expect(await run(readFileTool, { path: ".git/HEAD" })).toBe("1\tref: refs/heads/main");
  });
});

describe("write_file", () => {
  it("creates a file with its parent directories and reports the line count", async () => {
    const output = await run(writeFileTool, { path: "deep/er/new.ts", content: "a\nb\nc" });
    expect(output).toBe("Wrote deep/er/new.ts (3 lines).");
    expect(await readFile(join(root, "deep", "er", "new.ts"), "utf8")).toBe("a\nb\nc");
  });

  it("replaces a file's whole content", async () => {
    await writeFile(join(root, "a.txt"), "old old old");
    await run(writeFileTool, { path: "a.txt", content: "new" });
    expect(await readFile(join(root, "a.txt"), "utf8")).toBe("new");
  });

  it("counts the written file as read, so it can be edited right away", async () => {
    await run(writeFileTool, { path: "a.txt", content: "hello world" });
    await run(editFileTool, { path: "a.txt", old_string: "world", new_string: "there" });
    expect(await readFile(join(root, "a.txt"), "utf8")).toBe("hello there");
  });
});

describe("edit_file", () => {
  async function readable(path: string, text: string): Promise<void> {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
    await run(readFileTool, { path });
  }

  it("requires the file to have been read first and leaves it untouched", async () => {
    await writeFile(join(root, "a.txt"), "hello");
    await expectToolError(run(editFileTool, { path: "a.txt", old_string: "hello", new_string: "bye" }), /Read "a\.txt" with read_file before editing it/);
    expect(await readFile(join(root, "a.txt"), "utf8")).toBe("hello");
  });

  it("replaces an exact unique match", async () => {
    await readable("src/a.ts", "const a = 1;\nconst b = 2;\n");
    const output = await run(editFileTool, { path: "src/a.ts", old_string: "const b = 2;", new_string: "const b = 3;" });
    expect(output).toBe("Edited src/a.ts: 1 replacement.");
    expect(await readFile(join(root, "src/a.ts"), "utf8")).toBe("const a = 1;\nconst b = 3;\n");
  });

  it("matches tolerantly when indentation and trailing spaces differ", async () => {
    await readable("a.py", "def f():\n    if x:   \n        return 1\n    return 2\n");
    await run(editFileTool, { path: "a.py", old_string: "if x:\n  return 1", new_string: "    if y:\n        return 3" });
    expect(await readFile(join(root, "a.py"), "utf8")).toBe("def f():\n    if y:\n        return 3\n    return 2\n");
  });

  it("reports zero matches and leaves the file untouched", async () => {
    await readable("a.txt", "hello world");
    await expectToolError(run(editFileTool, { path: "a.txt", old_string: "goodbye", new_string: "x" }), /old_string was not found in "a\.txt"\. Read the file again/);
    expect(await readFile(join(root, "a.txt"), "utf8")).toBe("hello world");
  });

  it("reports several matches with their number and the way out, and leaves the file untouched", async () => {
    await readable("a.txt", "x = 1\ny = 2\nx = 1\nx = 1\n");
    const error = await expectToolError(run(editFileTool, { path: "a.txt", old_string: "x = 1", new_string: "x = 9" }), /matches 3 places in "a\.txt"/);
    expect(error.message).toContain("replace_all");
    expect(await readFile(join(root, "a.txt"), "utf8")).toBe("x = 1\ny = 2\nx = 1\nx = 1\n");
  });

  it("replaces every occurrence with replace_all", async () => {
    await readable("a.txt", "x = 1\ny = 2\nx = 1\nx = 1\n");
    const output = await run(editFileTool, { path: "a.txt", old_string: "x = 1", new_string: "x = 9", replace_all: true });
    expect(output).toBe("Edited a.txt: 3 replacements.");
    expect(await readFile(join(root, "a.txt"), "utf8")).toBe("x = 9\ny = 2\nx = 9\nx = 9\n");
  });

  it("refuses an empty old_string through its schema", () => {
    expect(editFileTool.parameters.safeParse({ path: "a", old_string: "", new_string: "x" }).success).toBe(false);
  });

  it("refuses to edit through ../ even when the outside file was 'read'", async () => {
    await writeFile(join(outside, "victim.txt"), "keep me");
    context.readFiles.add(join(outside, "victim.txt"));
    const relativePath = `../${outside.split("/").at(-1)}/victim.txt`;
    await expectToolError(run(editFileTool, { path: relativePath, old_string: "keep", new_string: "lost" }), /outside the repository/);
    expect(await readFile(join(outside, "victim.txt"), "utf8")).toBe("keep me");
  });
});

describe("list_files", () => {
  it("lists files recursively, sorted, skipping .git and node_modules", async () => {
    await mkdir(join(root, ".git", "objects"), { recursive: true });
    await writeFile(join(root, ".git", "HEAD"), "x");
    await mkdir(join(root, "node_modules", "left-pad"), { recursive: true });
    await writeFile(join(root, "node_modules", "left-pad", "index.js"), "x");
    await mkdir(join(root, "src", "nested", "node_modules"), { recursive: true });
    await writeFile(join(root, "src", "nested", "node_modules", "hidden.js"), "x");
    await writeFile(join(root, "src", "b.ts"), "x");
    await writeFile(join(root, "src", "a.ts"), "x");
    await writeFile(join(root, "README.md"), "x");
    expect((await run(listFilesTool, {})).split("\n")).toEqual(["README.md", "src/a.ts", "src/b.ts"]);
  });

  it("lists a subdirectory with paths relative to the repository root", async () => {
    await mkdir(join(root, "src", "lib"), { recursive: true });
    await writeFile(join(root, "src", "lib", "x.ts"), "x");
    await writeFile(join(root, "top.txt"), "x");
    expect(await run(listFilesTool, { path: "src" })).toBe("src/lib/x.ts");
  });

  it("stops at the requested depth and shows deeper directories with a trailing slash", async () => {
    await mkdir(join(root, "a", "b", "c"), { recursive: true });
    await writeFile(join(root, "a", "one.txt"), "x");
    await writeFile(join(root, "a", "b", "two.txt"), "x");
    await writeFile(join(root, "a", "b", "c", "three.txt"), "x");
    expect((await run(listFilesTool, { depth: 2 })).split("\n")).toEqual(["a/b/", "a/one.txt"]);
    expect((await run(listFilesTool, { depth: 1 })).split("\n")).toEqual(["a/"]);
    expect((await run(listFilesTool, {})).split("\n")).toEqual(["a/b/c/three.txt", "a/b/two.txt", "a/one.txt"]);
  });

  it("caps depth at 20 through its schema", () => {
    expect(listFilesTool.parameters.safeParse({ depth: 20 }).success).toBe(true);
    expect(listFilesTool.parameters.safeParse({ depth: 21 }).success).toBe(false);
    expect(listFilesTool.parameters.safeParse({ depth: 0 }).success).toBe(false);
  });

  it("says when there are no files", async () => {
    expect(await run(listFilesTool, {})).toBe("(no files)");
  });

  it("reports a missing directory and a file given as a directory as ToolErrors", async () => {
    await writeFile(join(root, "a.txt"), "x");
    await expectToolError(run(listFilesTool, { path: "missing" }), /"missing" does not exist/);
    await expectToolError(run(listFilesTool, { path: "a.txt" }), /"a\.txt" is a file, not a directory/);
  });

  it("refuses to list outside the repository", async () => {
    await writeFile(join(outside, "secret.txt"), "x");
    await expectToolError(run(listFilesTool, { path: outside }), /outside the repository/);
    await expectToolError(run(listFilesTool, { path: ".." }), /outside the repository/);
  });
});

describe("security: tools never reach outside the checkout", () => {
  it("refuses ../ escapes for read and write", async () => {
    await writeFile(join(outside, "secret.txt"), "top secret");
    const escape = `../${outside.split("/").at(-1)}/secret.txt`;
    await expectToolError(run(readFileTool, { path: escape }), /outside the repository; use a path relative to its root/);
    await expectToolError(run(writeFileTool, { path: escape, content: "pwned" }), /outside the repository/);
    await expectToolError(run(writeFileTool, { path: "src/../../escaped.txt", content: "pwned" }), /outside the repository/);
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("top secret");
    expect(existsSync(join(root, "..", "escaped.txt"))).toBe(false);
    expect(context.readFiles.size).toBe(0);
  });

  it("refuses an absolute path outside the root for reading /etc/passwd", async () => {
    await expectToolError(run(readFileTool, { path: "/etc/passwd" }), /"\/etc\/passwd" is outside the repository/);
    expect(context.readFiles.size).toBe(0);
  });

  it("refuses an absolute path outside the root for writing and creates nothing", async () => {
    const target = join(outside, "created.txt");
    await expectToolError(run(writeFileTool, { path: target, content: "pwned" }), /outside the repository/);
    expect(existsSync(target)).toBe(false);
    await writeFile(join(outside, "existing.txt"), "original");
    await expectToolError(run(writeFileTool, { path: join(outside, "existing.txt"), content: "pwned" }), /outside the repository/);
    expect(await readFile(join(outside, "existing.txt"), "utf8")).toBe("original");
  });

  it("accepts an absolute path that lies inside the root", async () => {
    await run(writeFileTool, { path: join(root, "inside.txt"), content: "fine" });
    expect(await readFile(join(root, "inside.txt"), "utf8")).toBe("fine");
  });

  it("refuses a root-prefixed sibling directory (root + 'x' is not inside root)", async () => {
    const sibling = `${root}-sibling`;
    await mkdir(sibling);
    try {
      await expectToolError(run(writeFileTool, { path: join(sibling, "a.txt"), content: "pwned" }), /outside the repository/);
      expect(existsSync(join(sibling, "a.txt"))).toBe(false);
    } finally {
      await rm(sibling, { recursive: true, force: true });
    }
  });

  it("refuses to read or write through a symlinked file pointing outside", async () => {
    await writeFile(join(outside, "secret.txt"), "top secret");
    await symlink(join(outside, "secret.txt"), join(root, "link.txt"));
    await expectToolError(run(readFileTool, { path: "link.txt" }), /leads outside the repository through a symbolic link/);
    await expectToolError(run(writeFileTool, { path: "link.txt", content: "pwned" }), /symbolic link/);
    context.readFiles.add(join(root, "link.txt"));
    await expectToolError(run(editFileTool, { path: "link.txt", old_string: "top", new_string: "no" }), /symbolic link/);
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("top secret");
  });

  it("refuses to read, write or list through a symlinked directory pointing outside", async () => {
    await writeFile(join(outside, "secret.txt"), "top secret");
    await symlink(outside, join(root, "linked-dir"));
    await expectToolError(run(readFileTool, { path: "linked-dir/secret.txt" }), /symbolic link/);
    await expectToolError(run(writeFileTool, { path: "linked-dir/new/planted.txt", content: "pwned" }), /symbolic link/);
    await expectToolError(run(writeFileTool, { path: "linked-dir/secret.txt", content: "pwned" }), /symbolic link/);
    await expectToolError(run(listFilesTool, { path: "linked-dir" }), /symbolic link/);
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("top secret");
    expect(existsSync(join(outside, "new"))).toBe(false);
  });

  // A dangling link does not exist for realpath, but a write would follow it out of the checkout.
  it("refuses to write through a dangling symlink pointing outside", async () => {
    const target = join(outside, "planted.txt");
    await symlink(target, join(root, "dangling.txt"));
    let error: unknown;
    try {
      await run(writeFileTool, { path: "dangling.txt", content: "pwned" });
    } catch (thrown) {
      error = thrown;
    }
    const planted = existsSync(target);
    await rm(target, { force: true });
    expect(planted).toBe(false);
    expect(error).toBeInstanceOf(ToolError);
  });

  it("still follows a symbolic link that stays inside the checkout, to read, edit and write", async () => {
    await mkdir(join(root, "real-dir"));
    await writeFile(join(root, "real-dir", "a.txt"), "one");
    await symlink("real-dir", join(root, "dir-link"));
    await symlink("real-dir/a.txt", join(root, "file-link"));
    expect(await run(readFileTool, { path: "file-link" })).toBe("1\tone");
    await run(editFileTool, { path: "file-link", old_string: "one", new_string: "two" });
    await run(writeFileTool, { path: "dir-link/new/b.txt", content: "three" });
    expect(await readFile(join(root, "real-dir", "a.txt"), "utf8")).toBe("two");
    expect(await readFile(join(root, "real-dir", "new", "b.txt"), "utf8")).toBe("three");
  });

  it("refuses to write into a pipe instead of blocking, and leaves it a pipe", async () => {
    const { execFileSync } = await import("node:child_process");
    const { lstatSync } = await import("node:fs");
    execFileSync("mkfifo", [join(root, "pipe")]);
    await expectToolError(run(writeFileTool, { path: "pipe", content: "x" }), /not a regular file/);
    expect(lstatSync(join(root, "pipe")).isFIFO()).toBe(true);
  });

  it("refuses a directory given to write_file", async () => {
    await mkdir(join(root, "src"));
    await expectToolError(run(writeFileTool, { path: "src", content: "x" }), /"src" is a directory/);
    await expectToolError(run(writeFileTool, { path: ".", content: "x" }), /is a directory/);
  });

  it("refuses to write into .git/hooks/pre-commit, by any spelling", async () => {
    await mkdir(join(root, ".git", "hooks"), { recursive: true });
    for (const path of [".git/hooks/pre-commit", "./.git/hooks/pre-commit", "src/../.git/hooks/pre-commit", join(root, ".git/hooks/pre-commit")]) {
      await expectToolError(run(writeFileTool, { path, content: "#!/bin/sh\ntouch /tmp/pwned\n" }), /inside \.git, which tools may not touch/);
    }
    await expectToolError(run(writeFileTool, { path: ".git/config", content: "[core]\n" }), /inside \.git/);
    // In another case, or deeper: `.GIT/config` is `.git/config` on a case-insensitive file system, and git refuses either path.
    for (const path of [".GIT/config", ".Git/hooks/pre-commit", "sub/.git/config", "sub/.gIt/x", ".git./config", ".git /x", "GIT~1/config", ".git::$INDEX_ALLOCATION/x"]) {
      await expectToolError(run(writeFileTool, { path, content: "x" }), /inside \.git/);
    }
    expect(existsSync(join(root, ".GIT"))).toBe(false);
    expect(existsSync(join(root, ".git", "hooks", "pre-commit"))).toBe(false);
    expect(existsSync(join(root, ".git", "config"))).toBe(false);
  });

  it("refuses to edit a file inside .git even after reading it", async () => {
    await mkdir(join(root, ".git"));
    await writeFile(join(root, ".git", "config"), "[core]\n\tbare = false\n");
    await run(readFileTool, { path: ".git/config" });
    await expectToolError(run(editFileTool, { path: ".git/config", old_string: "bare = false", new_string: "hooksPath = evil" }), /inside \.git/);
    expect(await readFile(join(root, ".git", "config"), "utf8")).toBe("[core]\n\tbare = false\n");
  });

  // Where a path resolves decides, not how it is spelled: a committed link to .git must not plant a hook.
  it("refuses to write into .git through a symlink pointing at .git", async () => {
    await mkdir(join(root, ".git", "hooks"), { recursive: true });
    await symlink(join(root, ".git"), join(root, "dot-git"));
    let error: unknown;
    try {
      await run(writeFileTool, { path: "dot-git/hooks/pre-commit", content: "#!/bin/sh\n" });
    } catch (thrown) {
      error = thrown;
    }
    expect(existsSync(join(root, ".git", "hooks", "pre-commit"))).toBe(false);
    expect(error).toBeInstanceOf(ToolError);
  });
});

describe("opening without following links", () => {
  // What a race leaves the tools with: a link where the check saw a directory or a file.
  it("refuses a directory on the way that is a link, even one that stays inside, and a file that is one", async () => {
    const { openDirectoryIn, openInRoot } = await import("../../src/agent/tools/open-in-root.ts");
    await mkdir(join(root, "real-dir"));
    await writeFile(join(root, "real-dir", "a.txt"), "inside");
    await writeFile(join(outside, "secret.txt"), "top secret");
    await symlink(outside, join(root, "out-link"));
    await symlink(join(root, "real-dir"), join(root, "in-link"));
    await expectToolError(openDirectoryIn(root, ["out-link"], "out-link"), /symbolic link|not a directory/);
    await expectToolError(openDirectoryIn(root, ["in-link"], "in-link"), /symbolic link|not a directory/);
    const directory = await openDirectoryIn(root, ["real-dir"], "real-dir");
    await directory.close();
    // The path checks out (it leads inside), but what is opened is never followed: see locateInRoot.
    const opened = await openInRoot(root, "in-link/a.txt", "read");
    expect(await opened.handle.readFile("utf8")).toBe("inside");
    await opened.handle.close();
  });

  it("gives the tools' own messages through readFileInRoot, for the roles that read files of the checkout", async () => {
    const { readFileInRoot } = await import("../../src/agent/index.ts");
    await writeFile(join(outside, "secret.txt"), "top secret");
    await symlink(join(outside, "secret.txt"), join(root, "link.txt"));
    await writeFile(join(root, "a.txt"), "hello");
    expect(await readFileInRoot(root, "a.txt")).toBe("hello");
    await expectToolError(readFileInRoot(root, "link.txt"), /leads outside the repository through a symbolic link/);
    await expectToolError(readFileInRoot(root, "missing.txt"), /does not exist/);
    await expectToolError(readFileInRoot(root, "a.txt", 2), /too large/);
  });
});

describe("resolveInRoot", () => {
  it("returns the absolute path inside the real root", () => {
    expect(resolveInRoot(root, "src/a.ts")).toBe(join(root, "src", "a.ts"));
    expect(resolveInRoot(root, ".")).toBe(root);
  });

  it("works when the root itself is reached through a symlink", async () => {
    const alias = join(outside, "alias");
    await symlink(root, alias);
    expect(resolveInRoot(alias, "a.txt")).toBe(join(root, "a.txt"));
    expect(() => resolveInRoot(alias, "../x")).toThrow(ToolError);
  });

  it("allows reading inside .git but not writing", () => {
    expect(resolveInRoot(root, ".git/HEAD", { forWrite: false })).toBe(join(root, ".git", "HEAD"));
    expect(() => resolveInRoot(root, ".git/HEAD")).toThrow(/inside \.git/);
    expect(() => resolveInRoot(root, ".git")).toThrow(/inside \.git/);
  });

  it("does not mistake a name that starts with .git for the .git directory", () => {
    expect(resolveInRoot(root, ".github/workflows/ci.yml")).toBe(join(root, ".github", "workflows", "ci.yml"));
    expect(resolveInRoot(root, ".gitignore")).toBe(join(root, ".gitignore"));
  });

  it("leaves the world outside untouched when it refuses", () => {
    expect(() => resolveInRoot(root, "/etc/passwd", { forWrite: false })).toThrow(ToolError);
    expect(readFileSync("/etc/passwd", "utf8").length).toBeGreaterThan(0);
  });
});

describe("truncateOutput", () => {
  it("returns short text unchanged", () => {
    expect(truncateOutput("short", 10)).toBe("short");
    expect(truncateOutput("x".repeat(10), 10)).toBe("x".repeat(10));
  });

  it("keeps the head and the tail and says how much was cut and how to see it", () => {
    const text = `${"H".repeat(50)}${"M".repeat(100)}${"T".repeat(50)}`;
    const output = truncateOutput(text, 100);
    expect(output.startsWith("H".repeat(50))).toBe(true);
    expect(output.endsWith("T".repeat(50))).toBe(true);
    expect(output).not.toContain("M");
    expect(output).toContain("[… 100 characters cut; narrow the request (offset/limit, a pattern) to see them …]");
  });

  it("counts an odd limit correctly", () => {
    const output = truncateOutput("abcdefghij", 5);
    expect(output).toBe("ab\n\n[… 6 characters cut; narrow the request (offset/limit, a pattern) to see them …]\n\nij");
  });

  it("defaults to 30,000 characters", () => {
    expect(truncateOutput("x".repeat(30_000))).toBe("x".repeat(30_000));
    const output = truncateOutput("x".repeat(30_001));
    expect(output).toContain("[… 1 characters cut");
    expect(output.replace(/\n\n\[…[^\]]*\]\n\n/, "")).toHaveLength(30_000);
  });
});

describe("files that are not regular files", () => {
  it("refuses pipes and devices instead of blocking or exhausting memory", async () => {
    const { execFileSync } = await import("node:child_process");
    const { mkdtempSync, rmSync, symlinkSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { readFileTool, editFileTool } = await import("../../src/agent/index.ts");
    const root = mkdtempSync(join(tmpdir(), "fifo-"));
    try {
      execFileSync("mkfifo", [join(root, "pipe")]);
      const context = { root, readFiles: new Set<string>() };
      await expect(readFileTool.execute({ path: "pipe" }, context)).rejects.toThrow(/not a regular file/);
      context.readFiles.add(join(root, "pipe"));
      await expect(editFileTool.execute({ path: "pipe", old_string: "a", new_string: "b" }, context)).rejects.toThrow(/not a regular file/);
      symlinkSync("/dev/zero", join(root, "zero"));
      await expect(readFileTool.execute({ path: "zero" }, context)).rejects.toThrow(/outside the repository|not a regular file/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("edit_file keeps the file's indentation", () => {
  it("re-indents a whitespace-tolerant replacement to where it matched", async () => {
    const { mkdtempSync, rmSync, writeFileSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { readFileTool, editFileTool } = await import("../../src/agent/index.ts");
    const root = mkdtempSync(join(tmpdir(), "indent-"));
    try {
      writeFileSync(join(root, "f.py"), "def f():\n    a = 1\n    return a\n");
      const context = { root, readFiles: new Set<string>() };
      await readFileTool.execute({ path: "f.py" }, context);
      await editFileTool.execute({ path: "f.py", old_string: "a = 1\nreturn a", new_string: "a = 2\nif a:\n    return a" }, context);
      expect(readFileSync(join(root, "f.py"), "utf8")).toBe("def f():\n    a = 2\n    if a:\n        return a\n");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
