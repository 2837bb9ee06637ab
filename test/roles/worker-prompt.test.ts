import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LanguageModel, ModelRequest } from "../../src/models/index.ts";
import { applyIntent, recordHandoff, type Feature, type Mission } from "../../src/mission/index.ts";
import { bulletinDigest, implementFeature, workerPrompt } from "../../src/roles/index.ts";
import { awaitingApproval, intent, PLAN } from "../mission/fixtures.ts";

const directory = mkdtempSync(join(tmpdir(), "worker-prompt-"));
writeFileSync(join(directory, "AGENTS.md"), "Use tabs.\n");
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A mission whose first `done` extra features are finished, each with a handoff. */
function missionWith(done: number): Mission {
  const approved = applyIntent(awaitingApproval(), intent("approve"), "t", { maxBudgetUsd: 10 });
  const extra: Feature[] = Array.from({ length: done }, (_, index) => ({
    id: `F${index + 3}`,
    milestoneId: "M1",
    title: `Feature number ${index + 3}`,
    description: "x",
    assertionIds: ["VAL-A-001"],
  }));
  const features = Object.fromEntries(
    extra.map((feature) => [
      feature.id,
      {
        status: "done" as const,
        attempts: 1,
        handoff: { status: "done" as const, summary: `Built ${feature.title} with a paragraph of detail. `.repeat(3), completed: [], leftUndone: [], commandsRun: [], issuesDiscovered: [], testsWrittenFirst: true, testsRun: true },
      },
    ]),
  );
  return { ...approved, extraFeatures: extra, features: { ...approved.features, ...features } };
}

describe("the worker's first message", () => {
  it("carries the feature, its assertions, the repository's agent instructions and earlier handoffs' summaries", async () => {
    const { context, task } = await workerPrompt(missionWith(2), PLAN.features[0]!, directory);
    // What every feature of the mission shares comes first, so providers can cache it.
    expect(context).toContain("Two features, one milestone.");
    expect(context).toContain("Use tabs.");
    expect(context).not.toContain("F1");
    expect(task).toMatch(/^# Feature F1: One/);
    expect(task).toContain("`VAL-A-001` one works — verified by: test");
    expect(task).not.toContain("VAL-A-002");
    expect(task).toContain("- F3 Feature number 3: Built Feature number 3");
  });

  it("stays the same size as the mission grows", async () => {
    const feature = PLAN.features[0]!;
    const sizes = await Promise.all([5, 20, 60].map(async (done) => (await workerPrompt(missionWith(done), feature, directory)).task.length));
    // Past the digest's window one line counts the older features; ids and titles gain a digit.
    expect(sizes[1]! - sizes[0]!).toBeLessThanOrEqual(100);
    expect(sizes[2]! - sizes[1]!).toBeLessThanOrEqual(2);
    const { task: long } = await workerPrompt(missionWith(60), feature, directory);
    expect(long).toContain("(57 earlier handoffs not shown; their commit messages carry their summaries: `git log`)");
    expect(long).toContain("- F62 Feature number 62");
    expect(long).not.toContain("- F59 ");
  });

  it("carries what a worker at feature 100 needs in at most a tenth more than at feature 1, with realistic handoffs", async () => {
    const first = await firstRequestSize(realisticMission(0), REALISTIC[0]!);
    const hundredth = await firstRequestSize(realisticMission(99), REALISTIC[99]!);
    expect(hundredth.size / first.size).toBeLessThanOrEqual(1.1);
    // What it leaves out, it says.
    expect(hundredth.text).toContain("96 earlier handoffs not shown");
    expect(hundredth.text).toMatch(/\(\d+ older entries not shown\)/);
    expect(hundredth.text).toContain("- F101 Add the report module 99: Implemented");
    expect(hundredth.text).toContain("- F101: The test helper");
    expect(first.text).not.toContain("## Bulletin");
  });

  it("shows the newest bulletin entries that fit, cutting only an entry longer than the whole budget", () => {
    expect(bulletinDigest(["a", "b"])).toEqual(["- a", "- b"]);
    const long = bulletinDigest(Array.from({ length: 30 }, (_, index) => `F${index}: ${"finding ".repeat(30)}`));
    expect(long[0]).toMatch(/^- \(\d+ older entries not shown\)$/);
    expect(long.at(-1)).toMatch(/^- F29: finding/);
    expect(long.join("\n").length).toBeLessThanOrEqual(420);
    const huge = bulletinDigest(["x".repeat(5_000)]);
    expect(huge).toHaveLength(1);
    expect(huge[0]!.length).toBeLessThanOrEqual(360);
    expect(huge[0]!.endsWith("…")).toBe(true);
  });

  it("caps each guidance comment and counts the ones left out", async () => {
    const guidance = Array.from({ length: 8 }, (_, index) => ({ author: "alice", text: `${index}: ${"please ".repeat(index === 7 ? 1_000 : 3)}`, at: "2026-01-01T10:00:00.000Z" }));
    const { task } = await workerPrompt({ ...missionWith(0), guidance } as Mission, PLAN.features[0]!, directory);
    expect(task).toContain("(3 earlier guidance comments are not shown");
    expect(task).toContain("(cut here; the whole comment is on the issue)");
    expect(task).not.toContain("2: please");
    expect(task.length).toBeLessThan(4_000);
  });
});

/** A plan of 100 features the size real ones are: a paragraph of description, an assertion each. */
const REALISTIC: Feature[] = Array.from({ length: 100 }, (_, index) => ({
  // After the plan's F1 and F2.
  id: `F${index + 3}`,
  milestoneId: "M1",
  title: `Add the report module ${index + 1}`,
  description: `Create src/reports/report-${index + 1}.ts, which reads the day's orders from the store and renders them as a table; export it from src/reports/index.ts and cover it with a test.`,
  assertionIds: ["VAL-A-001"],
}));

/**
 * A mission whose first `done` features were handed off the way real workers hand off — a summary
 * of a few hundred characters and one finding each — recorded as the app records them.
 */
function realisticMission(done: number): Mission {
  const approved = applyIntent(awaitingApproval(), intent("approve"), "t", { maxBudgetUsd: 10 });
  let mission: Mission = { ...approved, extraFeatures: REALISTIC, features: {} };
  for (const feature of REALISTIC.slice(0, done)) {
    mission = recordHandoff(mission, {
      featureId: feature.id,
      commitSha: "a".repeat(40),
      files: [`src/reports/${feature.id}.ts`],
      handoff: {
        status: "done",
        summary: `Implemented ${feature.title}: src/reports/${feature.id}.ts reads the day's orders through the existing store interface, groups them by customer and renders a table with totals. Exported it from src/reports/index.ts. Added a test with an empty day, a single order and a day with refunds; the test suite passes. No new dependencies.`,
        completed: [feature.title],
        leftUndone: [],
        commandsRun: [{ command: "npm test", exitCode: 0 }],
        issuesDiscovered: [`The test helper makeStore() in test/support/store.ts does not reset between tests, so ${feature.id}'s test creates its own store; later features should do the same until it is fixed.`],
        testsWrittenFirst: true,
        testsRun: true,
      },
    });
  }
  return mission;
}

/** The first request a worker's model receives (system prompt, tools and first message), and its size. */
async function firstRequestSize(mission: Mission, feature: Feature): Promise<{ size: number; text: string }> {
  let first: ModelRequest | undefined;
  const model: LanguageModel = {
    id: "scripted/model-1",
    generate(request) {
      first ??= structuredClone({ ...request, signal: undefined });
      return Promise.reject(new Error("seen"));
    },
  };
  const shell = { runner: { run: () => Promise.reject(new Error("no shell")) }, env: {}, maxTimeoutMs: 1_000 } as unknown as NonNullable<Parameters<typeof implementFeature>[0]["shell"]>;
  await implementFeature({ model, mission, feature, directory, shell }).catch(() => undefined);
  const { system, tools, messages } = first!;
  const text = messages.flatMap((message) => message.content.map((part) => ("text" in part ? part.text : ""))).join("\n");
  return { size: JSON.stringify({ system, tools, messages }).length, text };
}

describe("the worker's first message and the repository's own instructions", () => {
  it("names the nested AGENTS.md files, and the files bundled with an assigned repository skill", async () => {
    const root = mkdtempSync(join(tmpdir(), "worker-nested-"));
    try {
      for (const [path, text] of Object.entries({
        "AGENTS.md": "Root rules.\n",
        "packages/api/AGENTS.md": "API rules.\n",
        "packages/web/src/AGENTS.md": "Web rules.\n",
        "node_modules/dep/AGENTS.md": "not ours\n",
        ".agents/skills/deploy/SKILL.md": "---\nname: deploy\ndescription: How we deploy.\n---\nRun scripts/deploy.sh.\n",
        ".agents/skills/deploy/scripts/deploy.sh": "echo deploy\n",
      })) {
        mkdirSync(join(root, path, ".."), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      const { context, task } = await workerPrompt(missionWith(0), { ...PLAN.features[0]!, skills: ["deploy"] }, root);
      expect(context).toContain("Root rules.");
      expect(context).toContain("## Instructions for parts of the repository");
      expect(context).toContain("- `packages/api/AGENTS.md`\n- `packages/web/src/AGENTS.md`");
      expect(context).not.toContain("node_modules");
      expect(task).toContain("## Skill: deploy");
      expect(task).toContain("Files bundled with this skill, to read when its instructions call for them:\n- `.agents/skills/deploy/scripts/deploy.sh`");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
