import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, relative } from "node:path";

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

/**
 * Sets variables in a `.env` file, as Probot's setup flow does, but keeping the operator's other
 * lines and comments (a copied `.env.example`). A multi-line value (the private key) is written in
 * double quotes with `\n` escapes. The file holds the app's private key: only its owner may read it.
 */
export async function updateEnvFile(path: string, values: Record<string, string>): Promise<void> {
  const existing = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const pending = new Map(Object.entries(values));
  const lines = existing === "" ? [] : existing.replace(/\n$/, "").split("\n");
  const updated = lines.map((line) => {
    const name = ASSIGNMENT.exec(line)?.[1];
    if (name === undefined || !(name in values)) return line;
    pending.delete(name);
    return `${name}=${formatEnvValue(values[name]!)}`;
  });
  for (const [name, value] of pending) updated.push(`${name}=${formatEnvValue(value)}`);
  await mkdir(dirname(path), { recursive: true });
  // Written beside and renamed, so a crash never leaves half a key behind.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${updated.join("\n")}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/** A value as a dotenv reader (Node's `loadEnvFile`, Probot's) reads it back unchanged. */
export function formatEnvValue(value: string): string {
  if (value.includes("\n")) return `"${value.replace(/\r?\n/g, "\\n")}"`;
  if (!/[\s#"'`\\]/.test(value)) return value;
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}

/**
 * How the pages name the env file: relative to where the app was started (`.env`), so a page anyone
 * can open does not show the host's directory layout (a home directory's name); an explicit path
 * outside it (`/data/.env` in the image) is shown as the operator chose it.
 */
export function envFileLabel(path: string, from = process.cwd()): string {
  const relativePath = relative(from, path);
  return relativePath && !relativePath.startsWith("..") && !isAbsolute(relativePath) ? relativePath : path;
}
