import { dirname } from "node:path";
import { writeFileTool } from "../../agent/index.ts";
import type { Mission, SkillDraft } from "../../mission/index.ts";
import { loadSkills, renderSkill, skillFile } from "../../roles/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { publishCommit } from "./publish-commit.ts";
import { repoRef } from "./remote-access.ts";

/** The trailer that says when a skills commit was written (`contract v1`, `milestone M1`): how a re-run step knows it landed. */
export const SKILLS_TRAILER = "Skills-Written-At";

/**
 * Skills the orchestrator wrote or improved, as `SKILL.md` files under `.github/missions/skills/`:
 * one commit of their own on the mission's branch (on the checkout's HEAD, the branch's head), with
 * the app's trailers, published as feature commits are — so people review them in the pull request
 * and later missions in the repository use them. Nothing is committed when the files already say
 * the same. Returns the commit, or undefined.
 */
export async function commitSkills(
  context: StepContext,
  mission: Mission,
  directory: string,
  drafts: SkillDraft[],
  writtenAt: string,
  options: { keepWritten?: boolean } = {},
): Promise<string | undefined> {
  // The skills these supersede, read before any is written: an improvement keeps their optional front matter.
  const earlier = new Map((await loadSkills(directory)).map((skill) => [skill.name, skill]));
  // `keepWritten`: a revised contract's new skills never replace a skill already on the branch under
  // `.github/missions/skills/` — it may have been improved at a milestone boundary since.
  const skills = options.keepWritten ? drafts.filter((draft) => earlier.get(draft.name)?.path !== dirname(skillFile(draft.name))) : drafts;
  if (skills.length === 0) return undefined;
  for (const skill of skills) {
    // Through the file tool's guard: a link in the checkout cannot send the write outside it, or into `.git`.
    await writeFileTool.execute({ path: skillFile(skill.name), content: clean(context, renderSkill(skill, earlier.get(skill.name))) }, { root: directory, readFiles: new Set() });
  }
  // The skills' folders alone: whatever else the checkout holds is no part of this commit.
  const paths = skills.map((skill) => dirname(skillFile(skill.name)));
  const status = (await context.workspace.git(directory, ["status", "--porcelain", "--untracked-files=all", "--", ...paths])).stdout.trim();
  if (status === "") return undefined;
  const names = skills.map((skill) => skill.name).join(", ");
  const identity = await context.github.identity(repoRef(mission));
  const trailers = { Mission: `#${mission.issue.number}`, Skills: names, [SKILLS_TRAILER]: writtenAt };
  const body = `The orchestrator wrote these skills (${writtenAt}) for workers on this mission and later ones; each is a SKILL.md in the Agent Skills format.`;
  await context.workspace.commitPaths(directory, { name: identity.botLogin, email: identity.botEmail }, paths, `Skills: ${names}`.slice(0, 100), body, trailers);
  const sha = await publishCommit(context, mission, directory);
  context.log.info({ skills: names, writtenAt, sha }, "skills committed");
  return sha;
}

/** Whether a skills commit written at `writtenAt` is already on the checkout's branch since `base`. */
export async function skillsCommitted(context: StepContext, directory: string, range: string, writtenAt: string): Promise<boolean> {
  const { stdout } = await context.workspace.git(directory, ["log", `--format=%(trailers:key=${SKILLS_TRAILER},valueonly,unfold)`, range]);
  return stdout.split("\n").some((line) => line.trim() === writtenAt);
}

function clean(context: StepContext, text: string): string {
  return context.redact ? context.redact(text) : text;
}
