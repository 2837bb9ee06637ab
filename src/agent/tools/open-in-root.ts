import { constants } from "node:fs";
import { mkdir, open, readlink, type FileHandle } from "node:fs/promises";
import { relative, sep } from "node:path";
import { ToolError } from "../tool.ts";
import { MAX_FILE_BYTES, readRegularFile } from "./read-regular-file.ts";
import { locateInRoot } from "./resolve-in-root.ts";

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;

/**
 * The name that opens `name` inside the directory open as `directory` — Linux's `openat`: the kernel
 * takes `/proc/self/fd/N` to the very directory the descriptor holds, without walking its path again,
 * and only `name` is looked up (and not followed, with O_NOFOLLOW).
 */
export function at(directory: FileHandle, name: string): string {
  return `/proc/self/fd/${directory.fd}/${name}`;
}

/** What to do with the file: read it, replace it (creating it and its directories), or both. */
export type OpenMode = "read" | "write" | "edit";

const FLAGS: Record<OpenMode, number> = {
  read: O_RDONLY | O_NOFOLLOW | O_NONBLOCK,
  // O_NOFOLLOW with O_CREAT: a link in the last place — dangling ones included — fails instead of being created through.
  write: O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK,
  edit: O_RDWR | O_NOFOLLOW | O_NONBLOCK,
};

export interface OpenedFile {
  handle: FileHandle;
  /** The path as the model spelled it, resolved inside the checkout: what `readFiles` holds. */
  target: string;
}

/**
 * Opens a file of the checkout so that no process racing the tool can make it open something else.
 * The path is checked as `resolveInRoot` checks it, then opened component by component from the
 * checkout's own directory, following no symbolic link: a directory or file swapped for a link after
 * the check is refused, never followed. The descriptor's real path is checked once more before it is
 * returned; the caller reads and writes through that descriptor only. Directories missing on the way
 * are made for a write, one by one and in the same way. The file is a regular one (a pipe would block,
 * a device could be endless), or a ToolError says why not.
 */
export async function openInRoot(root: string, path: string, mode: OpenMode): Promise<OpenedFile> {
  const { realRoot, target, real } = locateInRoot(root, path, { forWrite: mode !== "read" });
  const names = relative(realRoot, real).split(sep).filter((name) => name !== "");
  const last = names.pop();
  if (last === undefined) throw new ToolError(`"${path}" is a directory. Use list_files for directories.`);
  const directory = await openDirectoryIn(realRoot, names, path, { create: mode === "write" });
  let handle: FileHandle;
  try {
    handle = await open(at(directory, last), FLAGS[mode], 0o666);
  } catch (error) {
    throw openError(error, path);
  } finally {
    await directory.close();
  }
  try {
    await verify(handle, realRoot, path, mode !== "read");
    const info = await handle.stat();
    if (info.isDirectory()) throw new ToolError(`"${path}" is a directory. Use list_files for directories.`);
    if (!info.isFile()) throw new ToolError(`"${path}" is not a regular file (a pipe, socket or device), so it is not read.`);
    return { handle, target };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Opens the directory `names` below the checkout's real root without following any link, making
 * missing ones when `create` is set. A component that is a link — one swapped in since the path was
 * checked — is refused.
 */
export async function openDirectoryIn(realRoot: string, names: string[], shown: string, options: { create?: boolean } = {}): Promise<FileHandle> {
  let directory = await open(realRoot, O_RDONLY | O_DIRECTORY);
  for (const name of names) {
    let next: FileHandle;
    try {
      next = await openChildDirectory(directory, name, options.create ?? false);
    } catch (error) {
      await directory.close();
      throw openError(error, shown);
    }
    await directory.close();
    directory = next;
  }
  try {
    await verify(directory, realRoot, shown, false);
  } catch (error) {
    await directory.close();
    throw error;
  }
  return directory;
}

/**
 * Walks into the subdirectory `name` through a descriptor of its own, closed afterwards. A directory
 * gone, or turned into something else (a link) since it was listed, is skipped.
 */
export async function intoChildDirectory(directory: FileHandle, name: string, visit: (child: FileHandle) => Promise<void>): Promise<void> {
  let child: FileHandle;
  try {
    child = await openChildDirectory(directory, name);
  } catch {
    return;
  }
  try {
    await visit(child);
  } finally {
    await child.close();
  }
}

/** The subdirectory `name` of an open directory, not followed if it is a link; made first if asked and missing. */
export async function openChildDirectory(directory: FileHandle, name: string, create = false): Promise<FileHandle> {
  try {
    return await open(at(directory, name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (error) {
    if (!create || (error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  try {
    // mkdir never follows a link in the last place: a link there makes it fail with EEXIST.
    await mkdir(at(directory, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return open(at(directory, name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
}

/** Checks where an open descriptor really is: inside the checkout, and outside `.git` for a write. */
async function verify(handle: FileHandle, realRoot: string, shown: string, forWrite: boolean): Promise<void> {
  const where = (await readlink(`/proc/self/fd/${handle.fd}`)).replace(/ \(deleted\)$/, "");
  if (where !== realRoot && !where.startsWith(realRoot + sep)) throw new ToolError(`"${shown}" leads outside the repository through a symbolic link.`);
  if (forWrite && relative(realRoot, where).split(sep).some((part) => part.toLowerCase() === ".git")) {
    throw new ToolError(`"${shown}" is inside .git, which tools may not touch; commits are made for you.`);
  }
}

/** The tool's answer for a failed open: what the model can act on, not an errno. */
function openError(error: unknown, shown: string): unknown {
  switch ((error as NodeJS.ErrnoException).code) {
    case "ENOENT":
      return new ToolError(`"${shown}" does not exist. Use list_files or glob to see what is there.`);
    case "ELOOP":
      return new ToolError(`"${shown}" is, or passes through, a symbolic link that changed while it was opened; it is not followed. Try again.`);
    case "ENOTDIR":
      return new ToolError(`"${shown}" passes through something that is not a directory.`);
    case "EISDIR":
      return new ToolError(`"${shown}" is a directory. Use list_files for directories.`);
    case "ENXIO":
      return new ToolError(`"${shown}" is not a regular file (a pipe, socket or device), so it is not read.`);
    default:
      return error;
  }
}

/** A regular file of the checkout, read whole through the descriptor `openInRoot` opened; ToolErrors as read_file's. */
export async function readFileInRoot(root: string, path: string, maxBytes = MAX_FILE_BYTES): Promise<string> {
  const { handle } = await openInRoot(root, path, "read");
  try {
    return await readRegularFile(handle, path, maxBytes);
  } finally {
    await handle.close();
  }
}
