import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveInRoot } from "../agent/tools/resolve-in-root.ts";

const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface RepositoryCommands {
  install?: string;
  typecheck?: string;
  lint?: string;
  test?: string;
}

const NPM_PLACEHOLDER = /no test specified/;

/**
 * The commands a repository most likely means, from its manifests, for when `.github/missions.yml`
 * names none: npm scripts, a Makefile's test target, Go, Cargo, pytest.
 */
export function detectCommands(directory: string): RepositoryCommands {
  // Manifests come from the repository: read only regular files inside it, of manifest size, each
  // through one descriptor opened without following a link in the last place (a link is no manifest:
  // reading through it could reach a file outside the checkout), so nothing swapped in between a check
  // and the read is ever read.
  const read = (name: string): string | undefined => {
    let descriptor: number | undefined;
    try {
      descriptor = openSync(resolveInRoot(directory, name, { forWrite: false }), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      const stat = fstatSync(descriptor);
      return stat.isFile() && stat.size <= MAX_MANIFEST_BYTES ? readFileSync(descriptor, "utf8") : undefined;
    } catch {
      return undefined;
    } finally {
      if (descriptor !== undefined) closeSync(descriptor);
    }
  };
  const regular = (name: string): boolean => {
    try {
      return lstatSync(resolveInRoot(directory, name, { forWrite: false })).isFile();
    } catch {
      return false;
    }
  };
  const packageJson = read("package.json");
  if (packageJson) {
    let scripts: Record<string, string> = {};
    try {
      scripts = (JSON.parse(packageJson) as { scripts?: Record<string, string> }).scripts ?? {};
    } catch {
      // An unreadable package.json: fall through to the other manifests.
    }
    const commands: RepositoryCommands = {};
    if (scripts.test && !NPM_PLACEHOLDER.test(scripts.test)) commands.test = "npm test";
    if (scripts.typecheck) commands.typecheck = "npm run typecheck";
    if (scripts.lint) commands.lint = "npm run lint";
    if (Object.keys(commands).length > 0) {
      return { install: regular("package-lock.json") ? "npm ci" : "npm install", ...commands };
    }
  }
  const makefile = read("Makefile");
  if (makefile && /^test:/m.test(makefile)) return { test: "make test" };
  if (read("go.mod") !== undefined) return { test: "go test ./...", lint: "go vet ./..." };
  if (read("Cargo.toml") !== undefined) return { test: "cargo test" };
  const pyproject = read("pyproject.toml");
  if (pyproject !== undefined && (/pytest/.test(pyproject) || existsSync(join(directory, "tests")))) return { test: "python -m pytest" };
  return {};
}
