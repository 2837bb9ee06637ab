import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { listFilesTool, readFileInRoot } from "../agent/index.ts";

const KEY_FILES = [
  "README.md",
  "AGENTS.md",
  "CLAUDE.md",
  "package.json",
  "pyproject.toml",
  "go.mod",
  "Cargo.toml",
  "Makefile",
  ".github/missions.yml",
  ".github/workflows/ci.yml",
];
const PER_FILE = 6_000;

/** What a newcomer reads first: the tree and the key files, each trimmed. */
export async function repositoryOverview(root: string): Promise<string> {
  const tree = await listFilesTool.execute({ depth: 3 }, { root, readFiles: new Set() });
  const sections = [`### File tree\n\n\`\`\`\n${tree.split("\n").slice(0, 300).join("\n")}\n\`\`\``];
  for (const name of KEY_FILES) {
    const text = await readInside(root, name);
    if (text === undefined) continue;
    const trimmed = text.length > PER_FILE ? `${text.slice(0, PER_FILE)}\n… (${text.length - PER_FILE} more characters)` : text;
    sections.push(`### ${name}\n\n\`\`\`\n${trimmed}\n\`\`\``);
  }
  return sections.join("\n\n");
}

/** The repository's own instructions for agents, if it has them. */
export async function agentInstructions(root: string): Promise<string | undefined> {
  for (const name of ["AGENTS.md", "CLAUDE.md"]) {
    const text = await readInside(root, name);
    if (text !== undefined) return text.slice(0, 20_000);
  }
  return undefined;
}

/** Folders never searched for nested instructions: dependencies, build output, git's own. */
const NOT_SEARCHED = new Set([".git", "node_modules", ".venv", "venv", "vendor", "target", "dist", "build", ".next", "__pycache__"]);
const MAX_NESTED = 20;
const MAX_DEPTH = 6;

/**
 * The AGENTS.md files below the root (`packages/api/AGENTS.md`): each applies to its folder's files,
 * on top of the root's. Found breadth-first to a bounded depth, links never followed, at most 20.
 */
export async function nestedInstructions(root: string): Promise<string[]> {
  const found: string[] = [];
  let level = [""];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0 && found.length < MAX_NESTED; depth++) {
    const next: string[] = [];
    for (const folder of level) {
      const entries = await readdir(join(root, folder), { withFileTypes: true }).catch(() => []);
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const path = folder ? `${folder}/${entry.name}` : entry.name;
        if (entry.isDirectory() && !NOT_SEARCHED.has(entry.name)) next.push(path);
        else if (folder && entry.isFile() && entry.name === "AGENTS.md" && found.length < MAX_NESTED) found.push(path);
      }
    }
    level = next;
  }
  return found;
}

/** A file of the checkout, through the same guard as the tools: a link to a file outside reads as absent. */
async function readInside(root: string, name: string): Promise<string | undefined> {
  try {
    return await readFileInRoot(root, name);
  } catch {
    return undefined;
  }
}
