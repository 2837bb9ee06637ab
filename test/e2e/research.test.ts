import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { startHarness, type Harness } from "./harness.ts";

const firstText = (request: NormalizedRequest) => (request.messages[0]?.role === "user" ? request.messages[0].text : "");
const toolNames = (request: NormalizedRequest) => request.tools.map((tool) => tool.name);
const DASHBOARD_TOKEN = "operator-dashboard-token-for-research";
const QUESTIONS = ["Where does the test script look for the greeting?", "What does the README say the repository is?", "Which files end in .sh?"];

describe("research subagents", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("a worker starts three in one turn: they run at once, each with only the read-only tools, metered as researchers and on the timeline, and the worker's next turn has their reports", async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_DASHBOARD_TOKEN: DASHBOARD_TOKEN } });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    harness.models.script((request): Reply => {
      if (toolNames(request).includes("submit_report")) {
        // A researcher: one search, then its report — the first call slow enough that researchers run one after another would not overlap.
        const question = QUESTIONS.find((candidate) => firstText(request).includes(candidate)) ?? "?";
        if (request.messages.length === 1) return { toolCalls: [{ name: "grep", arguments: { pattern: "hello" } }], delayMs: 800 };
        return { toolCalls: [{ name: "submit_report", arguments: { report: `Report on "${question}": test.sh greps greeting.txt for hello (test.sh:3).` } }] };
      }
      const worker = toolNames(request).includes("submit_handoff") && firstText(request).includes("# Feature F1:");
      if (worker && request.messages.length === 1) return { toolCalls: QUESTIONS.map((question) => ({ name: "research", arguments: { question } })) };
      // After the research turn the scripted worker goes on as it would have without it.
      if (worker) return normal({ ...request, messages: [request.messages[0]!, ...request.messages.slice(3)] });
      return normal(request);
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    const researchers = harness.models.calls.filter((call) => toolNames(call.request).includes("submit_report"));
    expect(researchers).toHaveLength(6);
    const firsts = researchers.filter((call) => call.request.messages.length === 1);
    expect(firsts.map((call) => QUESTIONS.find((question) => firstText(call.request).includes(question))).sort()).toEqual([...QUESTIONS].sort());
    // Parallel: every researcher's first request reached the model before any of them was answered.
    expect(Math.max(...firsts.map((call) => call.startedAt))).toBeLessThan(Math.min(...firsts.map((call) => call.endedAt)));
    for (const call of researchers) {
      expect(toolNames(call.request)).toEqual(["list_files", "glob", "grep", "read_file", "submit_report"]);
      // A fresh context: the question, never the worker's assignment.
      expect(firstText(call.request)).not.toContain("# Feature F1:");
      expect(call.request.system).toContain("# Role: researcher");
    }
    // The researcher's search really ran, in the checkout.
    const searched = researchers.find((call) => call.request.messages.length === 3)!;
    expect(searched.request.messages[2]).toMatchObject({ role: "user", toolResults: [{ content: expect.stringContaining("test.sh:3:grep -q hello greeting.txt"), isError: false }] });

    const workerNext = harness.models.calls.find((call) => toolNames(call.request).includes("submit_handoff") && firstText(call.request).includes("# Feature F1:") && call.request.messages.length === 3)!;
    const results = workerNext.request.messages[2]!;
    expect(results.role).toBe("user");
    expect(results.role === "user" && results.toolResults.map((result) => result.content)).toEqual(QUESTIONS.map((question) => `Report on "${question}": test.sh greps greeting.txt for hello (test.sh:3).`));
    expect(toolNames(workerNext.request)).toContain("research");

    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    const ledger = await harness.app.store.usage(mission!.id);
    const researcherRows = ledger.filter((entry) => entry.role === "researcher");
    expect(researcherRows).toHaveLength(6);
    expect(researcherRows.every((entry) => entry.featureId === "F1" && entry.usd > 0)).toBe(true);
    const workerRows = ledger.filter((entry) => entry.role === "worker" && entry.featureId === "F1");
    expect(workerRows.length).toBeGreaterThan(0);
    const events = await harness.app.store.events(mission!.id);
    expect(events.filter((event) => event.kind === "tool-call" && event.data.role === "researcher" && event.data.tool === "grep")).toHaveLength(3);
    expect(events.filter((event) => event.kind === "tool-call" && event.data.tool === "research" && event.data.feature === "F1")).toHaveLength(3);
    expect(commitsOn(harness.gitDir, "mission/1-add-greetings", "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    // The dashboard's timeline names the researchers apart from the worker that started them.
    const page = await timelineOf(mission!.id);
    expect(page).toContain("researchers for F1: 3 tool calls (grep ×3)");
    expect(page).toMatch(/worker on F1: \d+ tool calls \(research ×3/);
    expect(page).not.toMatch(/worker on F1: \d+ tool calls \([^)]*grep/);
  }, 120_000);

  it("the orchestrator starts two while planning: they run at once on the default branch, metered as researchers with no feature, on the timeline, and its next turn has their reports", async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_DASHBOARD_TOKEN: DASHBOARD_TOKEN } });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    const asked = QUESTIONS.slice(0, 2);
    harness.models.script((request): Reply => {
      if (toolNames(request).includes("submit_report")) {
        const question = asked.find((candidate) => firstText(request).includes(candidate)) ?? "?";
        if (request.messages.length === 1) return { toolCalls: [{ name: "read_file", arguments: { path: "test.sh" } }], delayMs: 800 };
        return { toolCalls: [{ name: "submit_report", arguments: { report: `Planning report on "${question}": see test.sh.` } }] };
      }
      const planner = toolNames(request).includes("submit_plan");
      if (planner && request.messages.length === 1) return { toolCalls: asked.map((question) => ({ name: "research", arguments: { question } })) };
      if (planner) return normal({ ...request, messages: [request.messages[0]!, ...request.messages.slice(3)] });
      return normal(request);
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    const researchers = harness.models.calls.filter((call) => toolNames(call.request).includes("submit_report"));
    expect(researchers).toHaveLength(4);
    const firsts = researchers.filter((call) => call.request.messages.length === 1);
    expect(Math.max(...firsts.map((call) => call.startedAt))).toBeLessThan(Math.min(...firsts.map((call) => call.endedAt)));
    for (const call of researchers) {
      expect(toolNames(call.request)).toEqual(["list_files", "glob", "grep", "read_file", "submit_report"]);
      expect(call.request.system).toContain("# Role: researcher");
    }
    // The researcher read the default branch's checkout, the one the orchestrator plans from.
    const read = researchers.find((call) => call.request.messages.length === 3)!;
    expect(read.request.messages[2]).toMatchObject({ role: "user", toolResults: [{ content: expect.stringContaining("grep -q hello greeting.txt"), isError: false }] });

    const plannerNext = harness.models.calls.find((call) => toolNames(call.request).includes("submit_plan") && call.request.messages.length === 3)!;
    const results = plannerNext.request.messages[2]!;
    expect(results.role === "user" && results.toolResults.map((result) => result.content)).toEqual(asked.map((question) => `Planning report on "${question}": see test.sh.`));

    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    const ledger = await harness.app.store.usage(mission!.id);
    const researcherRows = ledger.filter((entry) => entry.role === "researcher");
    expect(researcherRows).toHaveLength(4);
    expect(researcherRows.every((entry) => entry.featureId === undefined && entry.usd > 0)).toBe(true);
    const events = await harness.app.store.events(mission!.id);
    expect(events.filter((event) => event.kind === "tool-call" && event.data.role === "researcher" && event.data.tool === "read_file" && event.data.feature === undefined)).toHaveLength(2);
    expect(events.filter((event) => event.kind === "tool-call" && event.data.role === "orchestrator" && event.data.tool === "research")).toHaveLength(2);
    const page = await timelineOf(mission!.id);
    expect(page).toContain("researchers for the orchestrator: 2 tool calls (read_file ×2)");
    expect(page).toContain("orchestrator: 2 tool calls (research ×2)");
  }, 120_000);

  /** The mission's dashboard page, as an operator reads it. */
  async function timelineOf(missionId: string): Promise<string> {
    const response = await fetch(`${harness.app.url}/missions/${missionId}`, { headers: { authorization: `Bearer ${DASHBOARD_TOKEN}` } });
    expect(response.status).toBe(200);
    return await response.text();
  }
});
