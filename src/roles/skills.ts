import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join, relative, sep } from "node:path";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { readFileInRoot, resolveInRoot } from "../agent/index.ts";

/** A skill: know-how a worker gets when the orchestrator assigns it to a feature. */
export interface Skill {
  name: string;
  description: string;
  body: string;
  source: "built-in" | "repository";
  /** Where a repository's skill lives, relative to the checkout (`.agents/skills/deploy`). */
  path?: string;
  /** The files bundled with a repository's skill (scripts, references, assets), relative to the checkout. */
  files?: string[];
  /** The optional Agent Skills fields, kept so an improved copy of the skill carries them over (see `renderSkill`). */
  license?: string;
  compatibility?: string;
  metadata?: Record<string, unknown>;
  allowedTools?: string;
}

const BUILT_IN = fileURLToPath(new URL("../../skills/", import.meta.url));
/**
 * Where a repository keeps skills, in the order that wins a name clash: the app's own folder, then
 * the folders other agents read (the Agent Skills format is shared), then the built-in skills.
 */
export const REPOSITORY_SKILL_FOLDERS = [".github/missions/skills", ".agents/skills", ".claude/skills"] as const;
export const REPOSITORY_SKILLS = REPOSITORY_SKILL_FOLDERS[0];

/**
 * The Agent Skills front matter: `name` 1–64 lowercase letters, digits and single hyphens, not at
 * either end, the same as the skill's folder; `description` up to 1,024 characters; the optional
 * fields checked where they are given, other keys ignored.
 */
const FrontMatterSchema = z.object({
  name: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/).max(64),
  description: z.string().trim().min(1).max(1024),
  license: z.string().optional(),
  compatibility: z.string().max(500).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  "allowed-tools": z.string().optional(),
});
const MAX_BODY = 12_000;
/** Bundled files listed for one skill; the worker reads the ones it needs. */
const MAX_FILES = 40;

/** Built-in skills, then the repository's own, which win on a name clash (see `REPOSITORY_SKILL_FOLDERS`). */
export async function loadSkills(checkout?: string): Promise<Skill[]> {
  const skills = new Map<string, Skill>();
  for (const skill of await readSkills(BUILT_IN, "built-in", BUILT_IN)) skills.set(skill.name, skill);
  if (checkout) {
    for (const folder of [...REPOSITORY_SKILL_FOLDERS].reverse()) {
      let directory: string | undefined;
      try {
        directory = resolveInRoot(checkout, folder, { forWrite: false });
      } catch {
        directory = undefined;
      }
      if (directory && existsSync(directory)) {
        for (const skill of await readSkills(directory, "repository", checkout)) {
          // A SKILL.md that supersedes another folder's (an improved copy under .github/missions/skills)
          // and bundles nothing of its own keeps the files bundled where the skill came from.
          const earlier = skills.get(skill.name);
          const inherited = skill.files?.length === 0 && earlier?.source === "repository" ? earlier.files : undefined;
          skills.set(skill.name, inherited ? { ...skill, files: inherited } : skill);
        }
      }
    }
  }
  return [...skills.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Every `<name>/SKILL.md` below `directory`, each read through the guard of `root`: a link out reads as absent. */
async function readSkills(directory: string, source: Skill["source"], root: string): Promise<Skill[]> {
  const skills: Skill[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    const folder = join(directory, entry.name);
    const text = await readInside(root, join(folder, "SKILL.md"));
    const skill = text === undefined ? undefined : parseSkill(text, source);
    // The name is the folder's: a skill that says otherwise is malformed, and left out.
    if (!skill || skill.name !== entry.name) continue;
    if (source === "repository") {
      const path = relative(root, folder);
      skills.push({ ...skill, path, files: (await bundledFiles(folder)).map((file) => join(path, file)) });
    } else {
      skills.push(skill);
    }
  }
  return skills;
}

/** The files a skill bundles besides its SKILL.md (regular files only, links and `.git` left out), sorted, bounded. */
async function bundledFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .filter((file) => file !== "SKILL.md" && !file.split(sep).includes(".git"))
    .sort()
    .slice(0, MAX_FILES);
}

/** `---` front matter (the Agent Skills fields), then Markdown; a malformed skill is left out, not fatal. */
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
  const { name, description, license, compatibility, metadata } = parsed.data;
  const allowedTools = parsed.data["allowed-tools"];
  return {
    name,
    description,
    body: match[2]!.trim().slice(0, MAX_BODY),
    source,
    ...(license ? { license } : {}),
    ...(compatibility ? { compatibility } : {}),
    ...(metadata ? { metadata } : {}),
    ...(allowedTools ? { allowedTools } : {}),
  };
}

async function readInside(root: string, path: string): Promise<string | undefined> {
  try {
    return await readFileInRoot(root, path);
  } catch {
    return undefined;
  }
}

/** The file a written skill is committed as, relative to the checkout. */
export function skillFile(name: string): string {
  return `${REPOSITORY_SKILLS}/${name}/SKILL.md`;
}

/**
 * A skill the orchestrator wrote, as its `SKILL.md`: the Agent Skills front matter (`name`,
 * `description`, quoted as YAML needs) and the Markdown body. It reads back as the same skill. When
 * it improves a skill of the same name (`superseded`), that skill's optional fields — `license`,
 * `compatibility`, `metadata`, `allowed-tools` — are carried over: the orchestrator writes only the
 * name, description and body, and an improvement must not drop what the skill's authors set.
 */
export function renderSkill(draft: { name: string; description: string; body: string }, superseded?: Skill): string {
  const kept = superseded?.name === draft.name ? superseded : undefined;
  const fields = {
    name: draft.name,
    description: draft.description.trim(),
    ...(kept?.license ? { license: kept.license } : {}),
    ...(kept?.compatibility ? { compatibility: kept.compatibility } : {}),
    ...(kept?.metadata ? { metadata: kept.metadata } : {}),
    ...(kept?.allowedTools ? { "allowed-tools": kept.allowedTools } : {}),
  };
  const front = stringify(fields, { lineWidth: 0 }).trimEnd();
  return `---\n${front}\n---\n\n${draft.body.trim()}\n`;
}
