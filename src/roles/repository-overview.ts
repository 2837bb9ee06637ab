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

/** A file of the checkout, through the same guard as the tools: a link to a file outside reads as absent. */
async function readInside(root: string, name: string): Promise<string | undefined> {
  try {
    return await readFileInRoot(root, name);
  } catch {
    return undefined;
  }
}
