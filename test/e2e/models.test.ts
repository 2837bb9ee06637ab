import { afterEach, describe, expect, it } from "vitest";
import { costOf, PriceTable, parseOperatorPrices, THINKING_TOKENS } from "../../src/models/index.ts";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { OPENAI_KEY, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";
const ROLE_BY_FINAL_TOOL: Record<string, string> = { submit_plan: "orchestrator", submit_handoff: "worker", submit_review: "reviewer", submit_verdicts: "scrutiny" };
const roleOf = (request: NormalizedRequest) => request.tools.map((tool) => ROLE_BY_FINAL_TOOL[tool.name]).find(Boolean) ?? "unknown";

describe("models: providers per role, the ledger, budgets and faults", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  const label = () => harness.startMission();
  const say = (issue: number, body: string) => harness.say(issue, body);
  const botComments = (issue: number) => harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");

  it("runs every role on Anthropic through the real SDK, streaming", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await label();
    await say(issue, "/mission approve");
    expect(commitsOn(harness.gitDir, BRANCH, "main")).toHaveLength(2);
    expect(new Set(harness.models.calls.map((call) => `${roleOf(call.request)} ${call.request.protocol} ${call.request.stream}`))).toEqual(
      new Set(["orchestrator anthropic true", "worker anthropic true", "reviewer anthropic true", "scrutiny anthropic true"]),
    );
    // Prompt caching is in use: later worker calls read their prefix from the cache.
    const [mission] = await harness.app.store.listMissions();
    const worker = (await harness.app.store.usage(mission!.id)).filter((entry) => entry.role === "worker");
    expect(worker.some((entry) => entry.cacheReadTokens > 0)).toBe(true);
  });

  it("sends each role's reasoning effort to Anthropic as an extended-thinking budget: the operator's for all and per role, the repository's for its roles", async () => {
    harness = await startHarness({
      files: { ...FIXTURE_FILES, ".github/missions.yml": "commands:\n  test: sh test.sh\neffort:\n  worker: high\n" },
      env: { MISSIONS_EFFORT: "low", MISSIONS_EFFORT_REVIEWER: "medium" },
    });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    // With thinking on, the model thinks before it answers (the fake refuses a tool loop that loses it).
    harness.models.script((request) => {
      const reply = normal(request);
      return request.body.thinking && "toolCalls" in reply ? { ...reply, thinking: `Thinking as the ${roleOf(request)}.` } : reply;
    });
    const issue = await label();
    await say(issue, "/mission approve");
    expect(commitsOn(harness.gitDir, BRANCH, "main")).toHaveLength(2);
    const budgets = new Map<string, Set<string>>();
    for (const call of harness.models.calls) {
      const role = roleOf(call.request);
      budgets.set(role, (budgets.get(role) ?? new Set()).add(JSON.stringify(call.request.body.thinking)));
    }
    expect(Object.fromEntries([...budgets].map(([role, sent]) => [role, [...sent].map((text) => JSON.parse(text) as unknown)]))).toEqual({
      orchestrator: [{ type: "enabled", budget_tokens: THINKING_TOKENS.low }],
      worker: [{ type: "enabled", budget_tokens: THINKING_TOKENS.high }],
      reviewer: [{ type: "enabled", budget_tokens: THINKING_TOKENS.medium }],
      scrutiny: [{ type: "enabled", budget_tokens: THINKING_TOKENS.low }],
    });
    // The worker's thinking went back to the model within its tool loop.
    const worker = harness.models.calls.filter((call) => roleOf(call.request) === "worker" && call.request.body.messages.length > 1);
    expect(worker.length).toBeGreaterThan(0);
    expect(worker[0]!.request.body.messages[1].content[0]).toMatchObject({ type: "thinking", thinking: "Thinking as the worker." });
  });

  it("runs a mission on a mix of providers, one of them an operator-declared OpenAI-compatible server", async () => {
    harness = await startHarness({
      files: FIXTURE_FILES,
      env: (models) => ({
        MISSIONS_MODEL: "",
        OPENAI_API_KEY: OPENAI_KEY,
        OPENAI_BASE_URL: models.openaiBaseUrl,
        MISSIONS_PROVIDER_LOCAL_LLM_BASE_URL: models.openaiBaseUrl,
        MISSIONS_PROVIDER_LOCAL_LLM_MODEL: "qwen3-coder",
        MISSIONS_PROVIDER_LOCAL_LLM_API_KEY: OPENAI_KEY,
        MISSIONS_MODEL_ORCHESTRATOR: "anthropic/claude-sonnet-5-5",
        MISSIONS_MODEL_WORKER: "local-llm/qwen3-coder",
        MISSIONS_MODEL_SCRUTINY: "openai/gpt-5.1",
        MISSIONS_PRICES: JSON.stringify({ "local-llm/": { input: 0, output: 0 } }),
      }),
    });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await label();
    await say(issue, "/mission approve");
    expect(commitsOn(harness.gitDir, BRANCH, "main")).toHaveLength(2);
    const seen = new Set(harness.models.calls.map((call) => `${roleOf(call.request)} ${call.request.protocol} ${call.request.model}`));
    // The reviewer was left to the defaults: a different provider from the worker's.
    expect(seen).toEqual(new Set(["orchestrator anthropic claude-sonnet-5-5", "worker openai qwen3-coder", "scrutiny openai gpt-5.1", "reviewer anthropic claude-sonnet-5-5"]));
    const [mission] = await harness.app.store.listMissions();
    const ledger = await harness.app.store.usage(mission!.id);
    expect(new Set(ledger.map((entry) => `${entry.role} ${entry.model}`))).toEqual(
      new Set(["orchestrator anthropic/claude-sonnet-5-5", "worker local-llm/qwen3-coder", "scrutiny openai/gpt-5.1", "reviewer anthropic/claude-sonnet-5-5"]),
    );
    expect(ledger.filter((entry) => entry.role === "worker").every((entry) => entry.usd === 0 && entry.featureId)).toBe(true);
    expect(ledger.filter((entry) => entry.role !== "worker").every((entry) => entry.usd > 0)).toBe(true);
  });

  it("pauses at the budget with a comment, resumes on /mission budget, and the ledger adds up to the calls", async () => {
    // Priced so that planning fits the $1.50 but the worker's first call, held at its worst case (every
    // byte of its prompt a token at the 1-hour cache-write rate, and its 8,000 output tokens), does not.
    const prices = { "anthropic/claude-sonnet-5-5": { input: 37.5, output: 0.5, cacheRead: 3.75, cacheWrite: 46.875, cacheWriteLong: 75 } };
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_BUDGET_USD: "1.5", MISSIONS_PRICES: JSON.stringify(prices) } });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await label();
    await say(issue, "/mission approve");
    const [paused] = await harness.app.store.listMissions();
    expect(paused).toMatchObject({ status: "paused", pauseCause: "budget", pausedFrom: "running" });
    const notice = botComments(issue).find((comment) => comment.body.includes("Mission paused: budget reached"));
    expect(notice?.body).toMatch(/\$0\.\d\d of the \$1\.50 budget is spent/);
    expect(notice?.body).toContain("/mission budget <usd>");
    expect(botComments(issue)[0]!.body).toMatch(/Paused — budget reached/);
    const spentAtPause = (await harness.app.store.usageTotals(paused!.id)).usd;
    expect(spentAtPause).toBeLessThanOrEqual(1.5);
    expect(commitsOn(harness.gitDir, BRANCH, "main").length).toBeLessThan(2);

    await say(issue, "/mission budget 5");
    const [done] = await harness.app.store.listMissions();
    expect(done!.status).toBe("done");
    expect(commitsOn(harness.gitDir, BRANCH, "main")).toHaveLength(2);
    // Every call the provider answered is in the ledger, priced from the provider's own usage report.
    const table = new PriceTable(parseOperatorPrices(JSON.stringify(prices)));
    const answered = harness.models.calls.filter((call) => !("error" in call.reply));
    const expected = answered.reduce((sum, call) => sum + costOf(call.usage, table.lookup(`anthropic/${call.request.model}`)!), 0);
    const ledger = await harness.app.store.usage(done!.id);
    expect(ledger).toHaveLength(answered.length);
    expect((await harness.app.store.usageTotals(done!.id)).usd).toBeCloseTo(expected, 10);
    expect(botComments(issue)[0]!.body).toMatch(/\| \*\*Budget\*\* \| .*\$\d+\.\d\d of \$5\.00/);
  });

  it("completes when a fraction of model calls fail with 429, 529 and 500, counting the retries", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    const faults: Reply[] = [
      { error: { status: 429, headers: { "retry-after": "0" } } },
      { error: { status: 529 } },
      { error: { status: 500 } },
      { error: { status: 408 } },
      { error: { status: 409 } },
    ];
    harness.models.script((request, index) => (index % 3 === 1 ? faults[(index / 3) % faults.length | 0]! : normal(request)));
    const issue = await label();
    await say(issue, "/mission approve");
    expect(botComments(issue)[0]!.body).toMatch(/✅ Done/);
    const [mission] = await harness.app.store.listMissions();
    const ledger = await harness.app.store.usage(mission!.id);
    expect(ledger.reduce((sum, entry) => sum + entry.retries, 0)).toBe(harness.models.calls.filter((call) => "error" in call.reply).length);
  });

  it("retries a call that hangs past the model timeout and a stream cut off halfway", async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_MODEL_TIMEOUT_SECONDS: "0.5" } });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    harness.models.script((request, index) => (index === 0 ? { hang: true } : index === 2 ? { truncateStream: true, text: "partial" } : normal(request)));
    const issue = await label();
    await say(issue, "/mission approve");
    expect(botComments(issue)[0]!.body).toMatch(/✅ Done/);
    const [mission] = await harness.app.store.listMissions();
    const retried = (await harness.app.store.usage(mission!.id)).filter((entry) => entry.retries > 0);
    expect(retried.map((entry) => entry.role)).toEqual(["orchestrator", "worker"]);
  });

  it("recovers from an empty reply and from invalid tool arguments, as the model would after being told", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    const tricks = new Map<string, Reply>([
      ["F1", { text: "" }],
      ["F2", { toolCalls: [{ name: "write_file", arguments: '{"path": "farewell.txt", "content": ' }] }],
    ]);
    harness.models.script((request) => {
      const first = request.messages[0];
      const feature = first?.role === "user" ? /^# Feature (F\d+):/m.exec(first.text)?.[1] : undefined;
      const trick = feature ? tricks.get(feature) : undefined;
      if (trick && roleOf(request) === "worker") {
        tricks.delete(feature!);
        return trick;
      }
      // The scripted worker counts its own turns: drop the failed attempt's so it writes its files.
      const messages = request.messages.filter((message) => !(message.role === "assistant" && message.text === "" && message.toolCalls.length === 0));
      return normal({ ...request, messages: roleOf(request) === "worker" && messages.length > 2 && feature === "F2" ? messages.slice(0, 1).concat(messages.slice(3)) : messages });
    });
    const issue = await label();
    await say(issue, "/mission approve");
    expect(botComments(issue)[0]!.body).toMatch(/✅ Done/);
    const nudged = harness.models.calls.find((call) => call.request.messages.some((message) => message.role === "user" && message.text.includes("Your reply was empty")));
    expect(nudged).toBeDefined();
    // Streamed, the SDK repairs a cut-off JSON fragment into an object missing fields: either way the
    // model is told what to fix instead of the run failing.
    const told = harness.models.calls.find((call) =>
      call.request.messages.some((message) => message.role === "user" && message.toolResults.some((result) => result.isError && /not valid JSON|satisfies the schema/.test(result.content))),
    );
    expect(told).toBeDefined();
  });

  it("pauses through a long outage instead of failing, and resumes on request", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    let outage = true;
    harness.models.script((request) => (outage ? { error: { status: 529, message: "Overloaded" } } : normal(request)));
    const issue = await label();
    const [paused] = await harness.app.store.listMissions();
    expect(paused).toMatchObject({ status: "paused", pauseCause: "outage" });
    expect(botComments(issue).some((comment) => comment.body.includes("Mission paused: planning failed") && comment.body.includes("/mission resume"))).toBe(true);
    outage = false;
    await say(issue, "/mission resume");
    expect(botComments(issue).some((comment) => comment.body.includes("Validation contract v1"))).toBe(true);
  });

  it("blocks with the reasons when the model keeps giving an invalid plan", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.models.script(() => ({ toolCalls: [{ name: "submit_plan", arguments: { plan: { summary: "no milestones" } } }] }));
    const issue = await label();
    const blocked = botComments(issue).find((comment) => comment.body.includes("Mission blocked: planning failed"));
    expect(blocked?.body).toContain("gave an invalid submit_plan 3 times");
    expect(blocked?.body).toContain("plan.milestones");
    expect(harness.models.calls).toHaveLength(3);
  });
});
