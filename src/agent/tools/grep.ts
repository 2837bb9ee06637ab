import { spawn, type ChildProcessByStdio } from "node:child_process";
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { z } from "zod";
import { defineTool, ToolError, toolDescription } from "../tool.ts";
import { at, openChildDirectory, openDirectoryIn } from "./open-in-root.ts";
import { locateInRoot } from "./resolve-in-root.ts";

const MAX_OUTPUT = 30_000;
const MAX_BUFFER = 8 * 1024 * 1024;

export const grepTool = defineTool({
  name: "grep",
  description: toolDescription("grep"),
  parameters: z.object({
    pattern: z.string().min(1).describe("The regular expression to search for"),
    path: z.string().optional().describe("File or directory to search, relative to the repository root (default: the root)"),
    glob: z.string().optional().describe("Only files matching this glob, e.g. `*.ts`"),
    ignore_case: z.boolean().optional().describe("Match case-insensitively"),
  }),
  async execute({ pattern, path = ".", glob, ignore_case }, context) {
    const { realRoot, target, real } = locateInRoot(context.root, path, { forWrite: false });
    const env = { PATH: context.shell?.env.PATH ?? "/usr/local/bin:/usr/bin:/bin" };
    // ripgrep opens what it searches by name, and would follow a file or directory swapped for a link
    // while it runs. So it only names the files (respecting .gitignore and the filters); each is then
    // opened here without following links (as `openInRoot` does) and ripgrep searches those descriptors,
    // passed to it open. A name from outside the checkout can at worst fail to open.
    const filters = ["--glob", "!.git", "--glob", "!node_modules", "--glob", "!/.venv", "--glob", "!/vendor/bundle", "--glob", "!/target"];
    if (glob) filters.push("--glob", glob);
    // Sorted by path: ripgrep's threads otherwise print files in whatever order they finish, so the same
    // search could read differently twice (and break the prompt cache's prefix).
    const listing = await ripgrep(["--files", "--sort", "path", ...filters, "--", target], context.root, env);
    if (listing.code !== 0 && listing.code !== 1) throw new ToolError(`grep failed: ${ripgrepProblem(listing)}`);
    const files = listing.stdout.split("\n").filter((file) => file !== "");
    const search = ["--with-filename", "--line-number", "--no-heading", "--color", "never", "--max-columns", "400"];
    if (ignore_case) search.push("--ignore-case");
    search.push("--regexp", pattern, "--");
    let text = "";
    for (let first = 0; first < files.length && text.length <= MAX_OUTPUT; first += BATCH) {
      const names: string[] = [];
      const handles: FileHandle[] = [];
      const directories = new Map<string, FileHandle>();
      try {
        for (const file of files.slice(first, first + BATCH)) {
          // Listed below `target` as spelled; opened at the same place below where it really leads.
          const handle = await openListed(realRoot, relative(realRoot, join(real, relative(target, file))), directories);
          if (!handle) continue;
          handles.push(handle);
          names.push(relative(realRoot, file));
        }
      } finally {
        await Promise.all([...directories.values()].map((directory) => directory.close()));
      }
      // With no path at all, ripgrep would search its directory by name.
      if (handles.length === 0) continue;
      let result;
      try {
        // The child gets the descriptors as 3, 4, …; /proc/self/fd/N opens the very file, not a name.
        result = await ripgrep([...search, ...handles.map((_, index) => `/proc/self/fd/${index + 3}`)], context.root, env, handles.map((handle) => handle.fd));
      } finally {
        await Promise.all(handles.map((handle) => handle.close()));
      }
      if (result.code !== 0 && result.code !== 1 && result.stdout === "") throw new ToolError(`grep failed: ${ripgrepProblem(result)}`);
      text += matchesInOrder(result.stdout, names);
    }
    if (text === "") return "(no matches)";
    return text.length > MAX_OUTPUT ? `${text.slice(0, MAX_OUTPUT)}\n[… more matches; narrow the search]` : text.trimEnd();
  },
});

/**
 * Opens a listed file from the checkout's directory down, following no link — each directory once
 * per batch — or gives nothing if it is gone, not a regular file, or a link now.
 */
async function openListed(realRoot: string, path: string, directories: Map<string, FileHandle>): Promise<FileHandle | undefined> {
  const names = path.split(sep);
  const last = names.pop()!;
  let key = "";
  let directory = directories.get(key);
  try {
    if (!directory) {
      directory = await openDirectoryIn(realRoot, [], ".");
      directories.set(key, directory);
    }
    for (const name of names) {
      key = `${key}/${name}`;
      let next = directories.get(key);
      if (!next) {
        next = await openChildDirectory(directory, name);
        directories.set(key, next);
      }
      directory = next;
    }
    const handle = await open(at(directory, last), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    if ((await handle.stat()).isFile()) return handle;
    await handle.close();
  } catch {
    // Gone, or turned into something else since it was listed: not searched.
  }
  return undefined;
}

/** Files searched per ripgrep: each is an open descriptor the child inherits. */
const BATCH = 200;

function ripgrep(args: string[], cwd: string, env: Record<string, string>, descriptors: number[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // ripgrep runs on the host and reads the checkout's ignore files by name: one a command linked to
    // /dev/zero would have it allocate without end. Its memory is capped (2 GiB of address space), and
    // its time (30 s) as before, so such a file costs one failed search, not the host.
    const child = spawn("sh", ["-c", 'ulimit -v 2097152 2>/dev/null; exec rg "$@"', "rg", ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe", ...descriptors], timeout: 30_000 }) as ChildProcessByStdio<null, Readable, Readable>;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BUFFER) stdout.push(chunk);
      else child.kill();
    });
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) => resolve({ code: 2, stdout: "", stderr: error.message }));
    child.on("close", (code) => resolve({ code: code ?? 2, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") }));
  });
}

/**
 * ripgrep's `/proc/self/fd/N:line:text` lines as `name:line:text`, file by file in the listing's order
 * (its threads finish files in any order). A binary file is left out, as ripgrep leaves it out of a
 * directory it walks.
 */
function matchesInOrder(stdout: string, names: string[]): string {
  const byFile = new Map<number, string[]>();
  const binary = new Set<number>();
  for (const line of stdout.split("\n")) {
    const match = /^\/proc\/self\/fd\/(\d+):(.*)$/s.exec(line);
    if (!match) continue;
    const index = Number(match[1]) - 3;
    if (/^\d+:/.test(match[2]!)) byFile.set(index, [...(byFile.get(index) ?? []), `${names[index]}:${match[2]}`]);
    else binary.add(index);
  }
  let text = "";
  for (const index of [...byFile.keys()].sort((a, b) => a - b)) {
    if (!binary.has(index)) text += `${byFile.get(index)!.join("\n")}\n`;
  }
  return text;
}

/**
 * What to tell the model when ripgrep failed: its own words only for a pattern it could not parse.
 * Other messages can quote the files it read on the host (an ignore file a command linked to a
 * secret, say), so they are never echoed.
 */
function ripgrepProblem(result: { code: number; stderr: string }): string {
  const first = result.stderr.trim().split("\n")[0] ?? "";
  return /^regex parse error/.test(first) ? result.stderr.trim().split("\n").slice(0, 6).join("\n") : `ripgrep exited with ${result.code}`;
}
