import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { AppDriver } from "../../src/agent/index.ts";
import type { LanguageModel, ModelRequest, ToolSpec } from "../../src/models/index.ts";
import { applyIntent } from "../../src/mission/index.ts";
import { curateBulletin, implementFeature, planMission, planRepair, research, reviewFeature, reviewMilestone, scrutinize, testAsUser } from "../../src/roles/index.ts";
import { UnconfinedRunner } from "../../src/workspace/index.ts";
import { awaitingApproval, intent, PLAN } from "../mission/fixtures.ts";

const directory = mkdtempSync(join(tmpdir(), "prompts-tools-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A model that keeps the first request a role sends it and ends the run there. */
class FirstRequest implements LanguageModel {
  readonly id = "capture/first";
  request?: ModelRequest;
  async generate(request: ModelRequest): Promise<never> {
    this.request = request;
    throw new Error("captured");
  }
}

const mission = applyIntent(awaitingApproval(), intent("approve"), "t", { maxBudgetUsd: 10 });
const feature = PLAN.features[0]!;
const assertions = PLAN.assertions;
const shell = { runner: new UnconfinedRunner(), env: { PATH: "/usr/bin:/bin" }, maxTimeoutMs: 1_000 };
const app = { url: "http://127.0.0.1:9" } as AppDriver;
const milestone = PLAN.milestones[0]!;
/** Research subagents on a model that is never reached: only the `research` tool's own spec is sent. */
const researching = { model: () => new FirstRequest() };

/** Every way a model is run, at its fullest (with the shell and the browser where a role can have them). */
const RUNS: Record<string, (model: LanguageModel) => Promise<unknown>> = {
  plan: (model) => planMission({ model, mission, issue: { title: "t", body: "b" }, directory, research: researching }),
  "milestone review": (model) => reviewMilestone({ model, mission, milestoneId: "M1", directory }),
  "bulletin curation": (model) => curateBulletin({ model, mission: { ...mission, bulletin: ["a", "b"] } }),
  repair: (model) => planRepair({ model, missionId: mission.id, milestone, assertions, failedAssertions: [], problems: ["x"], earlier: [], round: 1, directory }),
  worker: (model) => implementFeature({ model, mission, feature, directory, shell, research: researching }),
  research: (model) => research({ model: () => model }, "Where are the tests?", { root: directory, readFiles: new Set() }),
  scrutiny: (model) => scrutinize({ model, missionId: mission.id, milestone, assertions, commands: [], diff: "", directory }),
  reviewer: (model) => reviewFeature({ model, missionId: mission.id, feature, assertions, diff: "", directory }),
  "user testing": (model) => testAsUser({ model, missionId: mission.id, milestone, assertions, features: [], directory, app, shell }),
};

async function firstRequest(run: (model: LanguageModel) => Promise<unknown>): Promise<ModelRequest> {
  const model = new FirstRequest();
  await run(model).catch(() => {});
  if (!model.request) throw new Error("the role sent no request");
  return model.request;
}

const PROMPTS = join(import.meta.dirname, "../../prompts");
/** Every tool name any run can send: what a prompt may name in backticks as a tool. */
const requests = Object.fromEntries(await Promise.all(Object.entries(RUNS).map(async ([name, run]) => [name, await firstRequest(run)] as const)));
const ALL_TOOLS = new Set(Object.values(requests).flatMap((request) => request.tools.map((tool) => tool.name)));

/** The tool names a prompt mentions: `name` in backticks, among the tools that exist. */
function toolsNamedIn(text: string): Set<string> {
  return new Set([...text.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!).filter((name) => ALL_TOOLS.has(name)));
}

/**
 * A backticked name that reads as a tool's: a `*_file(s)` or `*_request` or `*_logs`, or `browser_*`,
 * `submit_*`, `mcp__*`, `read_*`, `write_*`, `edit_*`, `list_*`, `app_*`, `http_*`. Such a name that
 * no run is given is a tool removed or renamed under a prompt still naming it.
 */
const TOOL_LIKE = /^(?:[a-z0-9_]+_(?:files?|request|logs)|(?:browser|submit|read|write|edit|list|app|http)_[a-z0-9_]+|mcp__[a-z0-9_<>-]+)$/;
/** Tool-like names that are not tools, and may be named: none yet. Add one here with the reason. */
const NOT_TOOLS = new Set<string>([]);

/** Every text the models read as instructions: role prompts, turn templates, tool descriptions, shipped skills. */
function instructionFiles(): string[] {
  const root = join(import.meta.dirname, "../..");
  const inFolder = (folder: string) =>
    readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".md"))
      .map((file) => join(folder, file));
  return ["prompts", "src/roles/tools", "src/agent/tools", "skills"].flatMap(inFolder);
}

/** The backticked names in `text` that read as tools but are not (see `TOOL_LIKE`). */
function unknownToolNames(text: string): string[] {
  return [...text.matchAll(/`([a-z][a-z0-9_<>-]*)`/g)].map((match) => match[1]!).filter((name) => TOOL_LIKE.test(name) && !ALL_TOOLS.has(name) && !NOT_TOOLS.has(name));
}

describe("the prompts and the tools", () => {
  it("no prompt, template, tool description or skill names a tool that no run is given (a removed or renamed tool)", () => {
    const files = instructionFiles();
    expect(files.length).toBeGreaterThan(30);
    const unknown = files.flatMap((file) => unknownToolNames(readFileSync(join(import.meta.dirname, "../..", file), "utf8")).map((name) => `${file}: \`${name}\``));
    expect(unknown).toEqual([]);
    // What the check catches: names of tools that are gone, or never were.
    expect(unknownToolNames("Call `read_files`, then `delete_file`, `browser_scroll`, `submit_result` or `mcp__docs__search`; `read_file` and `grep` exist.")).toEqual([
      "read_files",
      "delete_file",
      "browser_scroll",
      "submit_result",
      "mcp__docs__search",
    ]);
  });

  it("each system prompt names exactly the tools its runs are given — none missing, none they lack", () => {
    const bySystem = new Map<string, Set<string>>();
    for (const request of Object.values(requests)) {
      const names = bySystem.get(request.system) ?? new Set<string>();
      for (const tool of request.tools) names.add(tool.name);
      bySystem.set(request.system, names);
    }
    const files = readdirSync(PROMPTS).filter((file) => file.endsWith(".md"));
    const checked: string[] = [];
    for (const [system, given] of bySystem) {
      const file = files.find((name) => readFileSync(join(PROMPTS, name), "utf8") === system);
      expect(file, "every system prompt is a file in prompts/").toBeDefined();
      expect([...toolsNamedIn(system)].sort(), file).toEqual([...given].sort());
      checked.push(file!);
    }
    expect(checked.sort()).toEqual(["orchestrator.md", "repair-planner.md", "researcher.md", "reviewer.md", "scrutiny.md", "user-testing.md", "worker.md"]);
  });

  it("every tool's description is the text beside its code", () => {
    for (const request of Object.values(requests)) {
      for (const tool of request.tools.filter((spec) => !spec.name.startsWith("submit_"))) {
        expect(tool.description).toBe(readFileSync(join(import.meta.dirname, `../../src/agent/tools/${tool.name}.md`), "utf8").trim());
      }
    }
  });

  it("every final tool's description is the text beside the roles, and every such text is sent", () => {
    const folder = join(import.meta.dirname, "../../src/roles/tools");
    const files = readdirSync(folder).filter((file) => file.endsWith(".md"));
    const used = new Set<string>();
    for (const request of Object.values(requests)) {
      const finals = request.tools.filter((spec) => spec.name.startsWith("submit_"));
      expect(finals.length, "every run has a final tool").toBeGreaterThan(0);
      for (const tool of finals) {
        // `submit_verdicts.md`, or a role's own wording of a shared name: `submit_verdicts.user-testing.md`.
        const file = files.find((name) => name.split(".")[0] === tool.name && readFileSync(join(folder, name), "utf8").trim() === tool.description);
        expect(file, `${tool.name}'s description is a file in src/roles/tools`).toBeDefined();
        used.add(file!);
      }
    }
    expect([...used].sort()).toEqual(files.sort());
  });

  // What each role's model sees of its tools. A change here changes the model's behaviour: review the
  // snapshot's diff, then update it with `vitest -u` on purpose.
  it.each(Object.keys(RUNS))("the tools of the %s run", (name) => {
    expect(requests[name]!.tools.map((tool: ToolSpec) => ({ name: tool.name, description: tool.description, parameters: tool.parameters }))).toMatchSnapshot();
  });
});

describe("the messages the app writes to models", () => {
  it("are templates in prompts/turns whose slots take text as it is: Markdown, not HTML, never template text", async () => {
    const { renderTurn } = await import("../../src/agent/index.ts");
    const text = renderTurn("reviewer", { id: "F1", title: "<b>bold</b> & co", description: "An issue said {{title}} and {{#x}}y{{/x}}.", assertions: "- a", diff: "+1" });
    expect(text).toContain("# Review of feature F1: <b>bold</b> & co");
    expect(text).toContain("An issue said {{title}} and {{#x}}y{{/x}}.");
    expect(text.endsWith("```")).toBe(true);
    const files = readdirSync(join(PROMPTS, "turns")).filter((file) => file.endsWith(".md"));
    expect(files.length).toBeGreaterThanOrEqual(21);
  });

  it("are never TypeScript strings in the agent loop: every sentence in run-agent.ts is an error for people, the rest templates", async () => {
    const ts = (await import("typescript")).default;
    const path = join(import.meta.dirname, "../../src/agent/run-agent.ts");
    const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
    const sentences: string[] = [];
    const visit = (node: import("typescript").Node, inThrow: boolean): void => {
      const thrown = inThrow || ts.isThrowStatement(node);
      let text: string | undefined;
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
      else if (ts.isTemplateExpression(node)) text = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join("${…}");
      // Words beside spaces: prose, not a type tag or a key.
      if (text !== undefined && !thrown && /[a-z]{3,}\s|\s[a-z]{3,}/i.test(text)) sentences.push(text);
      ts.forEachChild(node, (child) => visit(child, thrown));
    };
    visit(source, false);
    expect(sentences).toEqual([]);
    const { renderTurn } = await import("../../src/agent/index.ts");
    expect(renderTurn("pruned")).toBe("[output pruned to keep the context small; run the tool again if you need it]");
    expect(renderTurn("tool-failed", { name: "bash", code: "EACCES", message: "denied" })).toBe("bash failed (EACCES): denied");
    expect(renderTurn("tool-failed", { name: "bash", message: "denied" })).toBe("bash failed: denied");
  });

  it("refuse to render without a value for a slot the template always shows: a renamed slot cannot silently drop its text", async () => {
    const { renderTurn } = await import("../../src/agent/index.ts");
    expect(() => renderTurn("reviewer", { id: "F1", title: "t", description: "d", assertions: "- a" })).toThrow("prompts/turns/reviewer.md: no value for {{diff}}");
    expect(() => renderTurn("research", {})).toThrow("prompts/turns/research.md: no value for {{question}}");
    // A slot inside a section is there only sometimes: leaving it out is how a caller says so.
    expect(renderTurn("nudge", { final: "submit_handoff", empty: true })).toBe("Your reply was empty. Use the tools, and finish by calling submit_handoff.");
  });
});

describe("the mission's context, shared by every agent of the mission", () => {
  it("comes first in the worker's and every validator's first message, the same text, marked for caching", async () => {
    const { missionContext } = await import("../../src/roles/index.ts");
    const context = await missionContext(mission, directory);
    const runs: Array<(model: LanguageModel) => Promise<unknown>> = [
      (model) => implementFeature({ model, mission, feature, directory, shell }),
      (model) => reviewFeature({ model, missionId: mission.id, feature, assertions, diff: "", directory, context }),
      (model) => scrutinize({ model, missionId: mission.id, milestone, assertions, commands: [], diff: "", directory, context }),
      (model) => testAsUser({ model, missionId: mission.id, milestone, assertions, features: [], directory, context }),
    ];
    for (const run of runs) {
      const model = new FirstRequest();
      await run(model).catch(() => {});
      expect(model.request!.messages[0]!.content[0]).toEqual({ type: "text", text: context, cache: true });
      expect(model.request!.messages[0]!.content).toHaveLength(2);
    }
  });
});
