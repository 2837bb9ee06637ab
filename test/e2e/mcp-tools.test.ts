import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";
const SERVER_DIR = resolve("test/fixtures/mcp");
const TOKEN = "docs-token-0123456789abcdef";

describe("an operator's MCP server, enabled by the repository", () => {
  let harness: Harness;
  let keyPath: string;
  beforeEach(async () => {
    harness = await startHarness({
      files: { ...FIXTURE_FILES, ".github/missions.yml": "commands:\n  test: sh test.sh\nmcp: [docs]\n" },
      env: {
        MISSIONS_MCP_SERVERS: JSON.stringify({
          // The server's file lives in the app's directory, hidden from commands: readable by this server alone.
          docs: { command: process.execPath, args: [join(SERVER_DIR, "inspect-server.mjs")], env: { DOCS_TOKEN: TOKEN, DOCS_MODE: "strict" }, readable: [SERVER_DIR] },
          // On everywhere, for the orchestrator only.
          plan: { command: process.execPath, args: [join(SERVER_DIR, "inspect-server.mjs")], roles: ["orchestrator"], enabled: true, readable: [SERVER_DIR] },
          // Declared, but neither on everywhere nor enabled by this repository.
          unused: { command: process.execPath, args: [join(SERVER_DIR, "inspect-server.mjs")] },
        }),
      },
    });
    const appDirectory = join(harness.dataDir, "app");
    mkdirSync(appDirectory);
    keyPath = join(appDirectory, "missions.private-key.pem");
    writeFileSync(keyPath, harness.github.privateKey);
    harness.env.MISSIONS_HIDDEN_PATHS = appDirectory;
    await harness.restart();
  });
  afterEach(async () => {
    await harness.close();
  });

  it("runs inside the sandbox; the worker calls its tool, the result reaches the next request redacted, and the call is on the timeline", async () => {
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    const seen: { tools: string[][]; results: Array<{ content: string; isError: boolean }> } = { tools: [], results: [] };
    harness.models.script((request: NormalizedRequest): Reply => {
      seen.tools.push(request.tools.map((tool) => tool.name));
      const first = request.messages[0];
      // The orchestrator looks something up with its own server before it plans.
      if (request.tools.some((tool) => tool.name === "submit_plan") && !request.messages.some((message) => message.role === "assistant")) {
        return { toolCalls: [{ name: "mcp__plan__inspect", arguments: { word: "plan" } }] };
      }
      const isWorkerF1 = request.tools.some((tool) => tool.name === "submit_handoff") && first?.role === "user" && first.text.includes("# Feature F1:");
      if (!isWorkerF1) return normal(request);
      const turns = request.messages.filter((message) => message.role === "assistant").length;
      if (turns === 0) return { toolCalls: [{ name: "mcp__docs__inspect", arguments: { word: "hello", probe: keyPath } }] };
      if (turns === 1) {
        const last = request.messages.at(-1)!;
        if (last.role === "user") seen.results.push(...last.toolResults);
        return { toolCalls: [{ name: "mcp__docs__fail", arguments: {} }] };
      }
      if (turns === 2) {
        const last = request.messages.at(-1)!;
        if (last.role === "user") seen.results.push(...last.toolResults);
      }
      // The rest of the worker's script, as if the MCP calls had not happened.
      return normal({ ...request, messages: [first, ...request.messages.slice(5)] });
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    // The worker saw its server's tools beside its own, the orchestrator its own server's; the unused
    // server's nobody, and the validators none.
    const workerTools = seen.tools.filter((tools) => tools.includes("submit_handoff"));
    expect(workerTools[0]).toEqual(expect.arrayContaining(["read_file", "bash", "submit_handoff", "mcp__docs__inspect", "mcp__docs__fail"]));
    for (const tools of workerTools) expect(tools.filter((name) => name.startsWith("mcp__plan__"))).toEqual([]);
    const plannerTools = seen.tools.filter((tools) => tools.includes("submit_plan"));
    expect(plannerTools.length).toBeGreaterThan(0);
    for (const tools of plannerTools) expect(tools.filter((name) => name.startsWith("mcp__"))).toEqual(["mcp__plan__inspect", "mcp__plan__fail"]);
    expect(seen.tools.flat().some((name) => name.startsWith("mcp__unused__"))).toBe(false);
    for (const tools of seen.tools.filter((tools) => !tools.includes("submit_handoff") && !tools.includes("submit_plan"))) expect(tools.some((name) => name.startsWith("mcp__"))).toBe(false);
    // What the model saw (the tool definition as the server gave it).
    const sent = harness.models.calls.find((call) => call.request.tools.some((tool) => tool.name === "mcp__docs__inspect"))!;
    expect(sent.request.tools.find((tool) => tool.name === "mcp__docs__inspect")).toMatchObject({
      description: '(From the MCP server "docs".) Looks a word up, and reports where the server runs.',
      parameters: { type: "object", required: ["word"] },
    });

    // The result reached the next request: the server ran inside the sandbox (the
    // app's key unreadable, a private HOME), with the operator's environment; its token is redacted.
    const [inspected, failed] = seen.results;
    expect(inspected).toMatchObject({ isError: false });
    expect(inspected!.content).toContain("word=hello: a greeting, says the MCP server");
    expect(inspected!.content).toContain("mode=strict");
    expect(inspected!.content).toMatch(/probe=refused \((ENOENT|EACCES)\)/);
    // It works in its own scratch, never in the checkout (which could plant what it runs).
    expect(inspected!.content).not.toContain(`cwd=${harness.env.MISSIONS_WORKSPACES!}`);
    expect(inspected!.content).toMatch(/^cwd=\/.*\/mcp-[^/]+$/m);
    expect(inspected!.content).not.toMatch(new RegExp(`home=${process.env.HOME ?? "/root"}$`, "m"));
    expect(inspected!.content).toContain("token=[redacted]");
    expect(failed).toMatchObject({ isError: true, content: "it failed, token [redacted]" });
    for (const call of harness.models.calls) expect(JSON.stringify(call.request.body)).not.toContain(TOKEN);

    // Recorded like any tool: on the mission's timeline.
    const [mission] = await harness.app.store.listMissions();
    const events = await harness.app.store.events(mission!.id);
    const calls = events.filter((event) => event.kind === "tool-call" && String((event.data as { tool?: string }).tool).startsWith("mcp__"));
    expect(calls.map((event) => event.data)).toEqual([
      // The orchestrator's, while planning.
      expect.objectContaining({ role: "orchestrator", tool: "mcp__plan__inspect", isError: false, output: expect.stringContaining("word=plan") }),
      expect.objectContaining({ feature: "F1", tool: "mcp__docs__inspect", isError: false, output: expect.stringContaining("word=hello") }),
      expect.objectContaining({ feature: "F1", tool: "mcp__docs__fail", isError: true }),
    ]);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  }, 240_000);
});

describe("an operator's MCP server declared for the validators", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("gives its tools to scrutiny and the reviewers, and to no one the operator left out; the call is recorded under the validator's role", async () => {
    harness = await startHarness({
      files: FIXTURE_FILES,
      env: {
        MISSIONS_MCP_SERVERS: JSON.stringify({
          checks: { command: process.execPath, args: [join(SERVER_DIR, "inspect-server.mjs")], roles: ["scrutiny", "reviewer"], enabled: true, readable: [SERVER_DIR] },
        }),
      },
    });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    const seen: Array<{ tools: string[]; results: Array<{ content: string; isError: boolean }> }> = [];
    harness.models.script((request: NormalizedRequest): Reply => {
      const tools = request.tools.map((tool) => tool.name);
      const last = request.messages.at(-1);
      seen.push({ tools, results: last?.role === "user" ? last.toolResults : [] });
      // Scrutiny looks something up with the operator's server before it gives its verdicts.
      if (tools.includes("submit_verdicts") && !request.messages.some((message) => message.role === "assistant")) {
        return { toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }, { name: "mcp__checks__inspect", arguments: { word: "verdict" } }] };
      }
      // Then its verdicts, as if the call had not happened.
      return normal(tools.includes("submit_verdicts") ? { ...request, messages: request.messages.slice(0, 1) } : request);
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    const withMcp = (tools: string[]) => tools.filter((name) => name.startsWith("mcp__")).sort();
    const scrutiny = seen.filter((request) => request.tools.includes("submit_verdicts"));
    const reviews = seen.filter((request) => request.tools.includes("submit_review"));
    expect(scrutiny.length).toBeGreaterThan(1);
    expect(reviews.length).toBeGreaterThan(0);
    for (const request of [...scrutiny, ...reviews]) expect(withMcp(request.tools)).toEqual(["mcp__checks__fail", "mcp__checks__inspect"]);
    // Beside the read-only tools, never instead of them, and never a tool that writes.
    for (const request of scrutiny) expect(request.tools).toEqual(expect.arrayContaining(["read_file", "grep", "glob", "list_files"]));
    for (const request of scrutiny) expect(request.tools).not.toContain("write_file");
    for (const request of seen.filter((request) => request.tools.includes("submit_plan") || request.tools.includes("submit_handoff"))) expect(withMcp(request.tools)).toEqual([]);
    // The server's answer reached scrutiny's next turn.
    const answered = scrutiny.flatMap((request) => request.results);
    expect(answered).toEqual([expect.objectContaining({ isError: false, content: expect.stringContaining("A tiny fixture repository") }), expect.objectContaining({ isError: false, content: expect.stringContaining("word=verdict: a greeting, says the MCP server") })]);
    // Recorded like any tool: on the mission's timeline, under the validator's role.
    const [mission] = await harness.app.store.listMissions();
    const events = await harness.app.store.events(mission!.id);
    const calls = events.filter((event) => event.kind === "tool-call" && String((event.data as { tool?: string }).tool).startsWith("mcp__"));
    expect(calls.map((event) => event.data)).toEqual([expect.objectContaining({ role: "scrutiny", tool: "mcp__checks__inspect", isError: false })]);
    // Its built-in tools too, like a worker's: every validator call is on the timeline.
    const scrutinyCalls = events.filter((event) => event.kind === "tool-call" && (event.data as { role?: string }).role === "scrutiny");
    expect(scrutinyCalls.map((event) => (event.data as { tool: string }).tool)).toEqual(["read_file", "mcp__checks__inspect"]);
  }, 240_000);
});
