import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { readFileInRoot, resolveInRoot } from "../agent/index.ts";

/** A skill: know-how a worker gets when the orchestrator assigns it to a feature. */
export interface Skill {
  name: string;
  description: string;
  body: string;
  source: "built-in" | "repository";
}

const BUILT_IN = fileURLToPath(new URL("../../skills/", import.meta.url));
export const REPOSITORY_SKILLS = ".github/missions/skills";
const FrontMatterSchema = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/), description: z.string().min(1).max(500) });
const MAX_BODY = 12_000;

/** Built-in skills, then the repository's own (`.github/missions/skills/<name>/SKILL.md`), which win on a name clash. */
export async function loadSkills(checkout?: string): Promise<Skill[]> {
  const skills = new Map<string, Skill>();
  for (const skill of await readSkills(BUILT_IN, "built-in", BUILT_IN)) skills.set(skill.name, skill);
  if (checkout) {
    let directory: string | undefined;
    try {
      directory = resolveInRoot(checkout, REPOSITORY_SKILLS, { forWrite: false });
    } catch {
      directory = undefined;
    }
    if (directory && existsSync(directory)) {
      for (const skill of await readSkills(directory, "repository", checkout)) skills.set(skill.name, skill);
    }
  }
  return [...skills.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Every `<name>/SKILL.md` below `directory`, each read through the guard of `root`: a link out reads as absent. */
async function readSkills(directory: string, source: Skill["source"], root: string): Promise<Skill[]> {
  const skills: Skill[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    const text = await readInside(root, join(directory, entry.name, "SKILL.md"));
    const skill = text === undefined ? undefined : parseSkill(text, source);
    if (skill) skills.push(skill);
  }
  return skills;
}

/** `---` front matter (name, description), then Markdown; a malformed skill is left out, not fatal. */
export function parseSkill(text: string, source: Skill["source"]): Skill | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) return undefined;
  let front: unknown;
  try {
    front = parse(match[1]!, { maxAliasCount: 10 });
  } catch {
    return undefined;
  }
  const parsed = FrontMatterSchema.safeParse(front);
  if (!parsed.success) return undefined;
  return { ...parsed.data, body: match[2]!.trim().slice(0, MAX_BODY), source };
}

async function readInside(root: string, path: string): Promise<string | undefined> {
  try {
    return await readFileInRoot(root, path);
  } catch {
    return undefined;
  }
}
