import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { StepContext } from "../../src/engine/engine-deps.ts";
import { commitSkills } from "../../src/engine/steps/commit-skills.ts";
import { SkillDraftSchema, type Mission } from "../../src/mission/index.ts";
import { loadSkills, parseSkill, renderSkill, skillFile } from "../../src/roles/index.ts";

describe("skills", () => {
  const dirs: string[] = [];
  const checkout = () => {
    const dir = mkdtempSync(join(tmpdir(), "skills-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("a skill the orchestrator writes is a SKILL.md in the Agent Skills format that reads back as written, whatever its description holds", async () => {
    const descriptions = ["Plain words.", "key: value, # not a comment, 'quoted' and \"double\"", "- starts like a list\n---\nand holds a fence", "é".repeat(1024)];
    for (const description of descriptions) {
      const draft = SkillDraftSchema.parse({ name: "http-handlers", description, body: "## Steps\n\n1. Read the router.\n---\nNot front matter." });
      const text = renderSkill(draft);
      expect(text.startsWith("---\nname: http-handlers\n")).toBe(true);
      expect(parseSkill(text, "repository")).toEqual({ name: "http-handlers", description: draft.description, body: draft.body, source: "repository" });
    }
    expect(skillFile("http-handlers")).toBe(".github/missions/skills/http-handlers/SKILL.md");
    // The format's limits hold where the orchestrator writes: a name of at most 64, a description of at most 1,024 characters.
    expect(SkillDraftSchema.safeParse({ name: "a".repeat(65), description: "d", body: "b" }).success).toBe(false);
    expect(SkillDraftSchema.safeParse({ name: "Not-Lower", description: "d", body: "b" }).success).toBe(false);
    expect(SkillDraftSchema.safeParse({ name: "a--b", description: "d", body: "b" }).success).toBe(false);
    expect(SkillDraftSchema.safeParse({ name: "ok", description: "d".repeat(1025), body: "b" }).success).toBe(false);
    expect(SkillDraftSchema.safeParse({ name: "a".repeat(64), description: "d".repeat(1024), body: "b" }).success).toBe(true);
  });

  it("ships the built-in skills the issue asks for", async () => {
    const names = (await loadSkills()).map((skill) => skill.name);
    expect(names).toEqual(expect.arrayContaining(["typescript-node", "python", "writing-tests-first"]));
    expect((await loadSkills()).every((skill) => skill.source === "built-in" && skill.description && skill.body)).toBe(true);
  });

  it("adds the repository's skills, which win on a name clash", async () => {
    const root = checkout();
    mkdirSync(join(root, ".github/missions/skills/deploy"), { recursive: true });
    writeFileSync(join(root, ".github/missions/skills/deploy/SKILL.md"), "---\nname: deploy\ndescription: How we deploy.\n---\nRun make deploy.\n");
    mkdirSync(join(root, ".github/missions/skills/python"), { recursive: true });
    writeFileSync(join(root, ".github/missions/skills/python/SKILL.md"), "---\nname: python\ndescription: Our Python rules.\n---\nUse uv.\n");
    const skills = await loadSkills(root);
    expect(skills.find((skill) => skill.name === "deploy")).toEqual({ name: "deploy", description: "How we deploy.", body: "Run make deploy.", source: "repository", path: ".github/missions/skills/deploy", files: [] });
    expect(skills.find((skill) => skill.name === "python")).toMatchObject({ body: "Use uv.", source: "repository" });
  });

  it("leaves out malformed skills, and skills reached through a link out of the checkout", async () => {
    expect(parseSkill("no front matter", "built-in")).toBeUndefined();
    expect(parseSkill("---\nname: Bad Name\ndescription: x\n---\nbody", "built-in")).toBeUndefined();
    expect(parseSkill("---\nname: [unclosed\n---\nbody", "built-in")).toBeUndefined();
    const outside = checkout();
    mkdirSync(join(outside, "evil"), { recursive: true });
    writeFileSync(join(outside, "evil/SKILL.md"), "---\nname: evil\ndescription: x\n---\nbody\n");
    const root = checkout();
    mkdirSync(join(root, ".github/missions"), { recursive: true });
    symlinkSync(outside, join(root, ".github/missions/skills"));
    expect((await loadSkills(root)).some((skill) => skill.name === "evil")).toBe(false);
    // A SKILL.md that is itself a link to a file outside the checkout reads as absent.
    const second = checkout();
    mkdirSync(join(second, ".github/missions/skills/linked"), { recursive: true });
    symlinkSync(join(outside, "evil/SKILL.md"), join(second, ".github/missions/skills/linked/SKILL.md"));
    expect((await loadSkills(second)).some((skill) => skill.name === "evil")).toBe(false);
  });

  it("follows the Agent Skills format: the folder's name, descriptions to 1,024 characters, optional fields, bundled files", async () => {
    const root = checkout();
    const skill = (folder: string, front: string, files: Record<string, string> = {}) => {
      mkdirSync(join(root, folder), { recursive: true });
      writeFileSync(join(root, folder, "SKILL.md"), `---\n${front}\n---\nDo it.\n`);
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(join(root, folder, name, ".."), { recursive: true });
        writeFileSync(join(root, folder, name), text);
      }
    };
    skill(".agents/skills/release-notes", `name: release-notes\ndescription: ${"d".repeat(1024)}\nlicense: MIT\ncompatibility: needs git\nmetadata:\n  author: us`, {
      "scripts/format.sh": "echo",
      "references/style.md": "# Style",
    });
    skill(".claude/skills/too-long", `name: too-long\ndescription: ${"d".repeat(1025)}`);
    skill(".claude/skills/other-name", "name: not-the-folder\ndescription: x");
    skill(".claude/skills/double--hyphen", "name: double--hyphen\ndescription: x");
    // The same name in several folders: .github/missions wins over .agents, which wins over .claude.
    skill(".claude/skills/deploy", "name: deploy\ndescription: from claude");
    skill(".agents/skills/deploy", "name: deploy\ndescription: from agents");
    skill(".claude/skills/lint", "name: lint\ndescription: from claude");
    const skills = await loadSkills(root);
    const names = skills.filter((entry) => entry.source === "repository").map((entry) => entry.name);
    expect(names).toEqual(["deploy", "lint", "release-notes"]);
    expect(skills.find((entry) => entry.name === "deploy")!.description).toBe("from agents");
    expect(skills.find((entry) => entry.name === "release-notes")).toMatchObject({
      path: ".agents/skills/release-notes",
      files: [".agents/skills/release-notes/references/style.md", ".agents/skills/release-notes/scripts/format.sh"],
      compatibility: "needs git",
    });
    skill(".github/missions/skills/deploy", "name: deploy\ndescription: ours");
    expect((await loadSkills(root)).find((entry) => entry.name === "deploy")!.description).toBe("ours");
    // An improved copy of a skill under .github/missions/skills, with no files of its own, keeps the files bundled where it came from.
    skill(".github/missions/skills/release-notes", "name: release-notes\ndescription: improved");
    expect((await loadSkills(root)).find((entry) => entry.name === "release-notes")).toMatchObject({
      description: "improved",
      path: ".github/missions/skills/release-notes",
      files: [".agents/skills/release-notes/references/style.md", ".agents/skills/release-notes/scripts/format.sh"],
    });
    // One that bundles files of its own lists those alone.
    skill(".github/missions/skills/release-notes", "name: release-notes\ndescription: improved", { "scripts/new.sh": "echo" });
    expect((await loadSkills(root)).find((entry) => entry.name === "release-notes")!.files).toEqual([".github/missions/skills/release-notes/scripts/new.sh"]);
  });

  it("an improved skill keeps the optional front matter of the skill it supersedes (license, compatibility, metadata, allowed-tools)", async () => {
    const root = checkout();
    mkdirSync(join(root, ".agents/skills/deploy"), { recursive: true });
    writeFileSync(
      join(root, ".agents/skills/deploy/SKILL.md"),
      "---\nname: deploy\ndescription: Deploy the app.\nlicense: Apache-2.0\ncompatibility: Needs docker\nmetadata:\n  author: ops\n  version: '2'\nallowed-tools: Bash(docker:*) Read\n---\n\nRun `make deploy`.\n",
    );
    const improved = { name: "deploy", description: "Deploy the app, after the smoke test.", body: "Run `make smoke`, then `make deploy`." };
    // Nothing to commit (the fake git reports a clean tree): what matters is the file written.
    const context = { workspace: { git: async () => ({ stdout: "" }) }, log: { info() {} } } as unknown as StepContext;
    await commitSkills(context, {} as Mission, root, [improved], "milestone M1");
    const written = parseSkill(readFileSync(join(root, skillFile("deploy")), "utf8"), "repository");
    expect(written).toEqual({
      name: "deploy",
      description: improved.description,
      body: improved.body,
      source: "repository",
      license: "Apache-2.0",
      compatibility: "Needs docker",
      metadata: { author: "ops", version: "2" },
      allowedTools: "Bash(docker:*) Read",
    });
    // A new skill, or one of another name, has none.
    expect(renderSkill({ name: "other", description: "d", body: "b" }, (await loadSkills(root)).find((skill) => skill.name === "deploy"))).not.toContain("license");
  });
});
