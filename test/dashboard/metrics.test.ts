import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "../e2e/harness.ts";
import { parsePrometheusText, sumOf } from "./prometheus-text.ts";

const DASHBOARD_TOKEN = "dashboard-token-0123456789abcdef";
const METRICS_TOKEN = "metrics-token-0123456789abcdef";

describe("/metrics", () => {
  let harness: Harness;
  let issue: number;
  beforeAll(async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_DASHBOARD_TOKEN: DASHBOARD_TOKEN, MISSIONS_METRICS_TOKEN: METRICS_TOKEN } });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    issue = await harness.startMission("Add greetings");
    await harness.say(issue, "/mission approve");
  });
  afterAll(async () => {
    await harness.close();
  });

  const scrape = (token?: string) => fetch(`${harness.app.url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  it("answers 401 without the token, and reveals nothing", async () => {
    for (const token of [undefined, "wrong-token-0123456789abcdef"]) {
      const response = await scrape(token);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain("missions_");
    }
  });

  it("parses as Prometheus text, and its model counters equal the ledger", async () => {
    for (const token of [METRICS_TOKEN, DASHBOARD_TOKEN]) expect((await scrape(token)).status).toBe(200);
    const response = await scrape(METRICS_TOKEN);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const { samples, types } = parsePrometheusText(text);
    expect(types.get("missions_model_calls_total")).toBe("counter");
    // The process's own metrics under their standard names, each name said once.
    expect(types.get("process_cpu_user_seconds_total")).toBe("counter");
    expect(types.get("process_resident_memory_bytes")).toBe("gauge");
    expect(types.has("nodejs_eventloop_lag_seconds")).toBe(true);
    expect([...types.keys()].filter((name) => /process_process|missions_process|missions_nodejs/.test(name))).toEqual([]);
    // Costs are exact decimals (micro-dollars), not float noise such as 0.30000000000000004.
    const costs = text.split("\n").filter((line) => line.startsWith("missions_model_cost_usd_total{"));
    expect(costs.length).toBeGreaterThan(0);
    for (const line of costs) expect(line).toMatch(/ \d+(\.\d{1,6})?$/);

    const mission = (await harness.app.store.listMissions())[0]!;
    const ledger = await harness.app.store.usage(mission.id);
    expect(ledger.length).toBeGreaterThan(0);
    const groups = new Map<string, typeof ledger>();
    for (const entry of ledger) groups.set(`${entry.model}|${entry.role}`, [...(groups.get(`${entry.model}|${entry.role}`) ?? []), entry]);
    expect(new Set(ledger.map((entry) => entry.role))).toEqual(new Set(["orchestrator", "worker", "reviewer", "scrutiny"]));
    for (const [key, entries] of groups) {
      const [model, role] = key.split("|") as [string, string];
      const labels = { provider: model.split("/")[0]!, model, role };
      const sum = (pick: (entry: (typeof entries)[number]) => number) => entries.reduce((total, entry) => total + pick(entry), 0);
      expect(sumOf(samples, "missions_model_calls_total", labels)).toBe(entries.length);
      expect(sumOf(samples, "missions_model_tokens_total", { ...labels, kind: "input" })).toBe(sum((entry) => entry.inputTokens));
      expect(sumOf(samples, "missions_model_tokens_total", { ...labels, kind: "output" })).toBe(sum((entry) => entry.outputTokens));
      expect(sumOf(samples, "missions_model_tokens_total", { ...labels, kind: "cache_read" })).toBe(sum((entry) => entry.cacheReadTokens));
      expect(sumOf(samples, "missions_model_cost_usd_total", labels)).toBe(sum((entry) => Math.round(entry.usd * 1e6)) / 1e6);
    }
    expect(sumOf(samples, "missions_model_calls_total")).toBe(ledger.length);
    expect(sumOf(samples, "missions_model_cost_usd_total")).toBeCloseTo((await harness.app.store.usageTotals(mission.id)).usd, 10);
    // The default model is priced exactly: no "priced as its model family" warning at start.
    expect(harness.logs.join("")).not.toContain("priced as its model family");

    // Missions by status; steps and their durations.
    expect(sumOf(samples, "missions_missions", { status: "done" })).toBe(1);
    expect(sumOf(samples, "missions_missions")).toBe(1);
    const steps = (await harness.app.store.events(mission.id)).filter((event) => event.kind === "step-end");
    expect(sumOf(samples, "missions_steps_total", { outcome: "ok" })).toBe(steps.length);
    expect(sumOf(samples, "missions_steps_total", { step: "implement", outcome: "ok" })).toBe(2);
    expect(sumOf(samples, "missions_step_duration_seconds_count", { step: "implement" })).toBe(2);
    expect(sumOf(samples, "missions_step_duration_seconds_bucket", { step: "implement", le: "+Inf" })).toBe(2);

    // GitHub calls as the fake GitHub saw them, and the rate limit it reported.
    const posted = harness.github.requests.filter((request) => request.method === "POST" && request.path === `/repos/${OWNER}/${REPO}/issues/${issue}/comments`);
    expect(sumOf(samples, "missions_github_requests_total", { method: "POST", route: "/repos/{owner}/{repo}/issues/{issue_number}/comments", status: "201" })).toBe(posted.length);
    expect(sumOf(samples, "missions_github_requests_total")).toBeGreaterThan(10);
    expect(sumOf(samples, "missions_github_rate_limit_remaining", { resource: "core" })).toBe(4999);
    // No label names a repository or carries text.
    expect(samples.filter((sample) => Object.values(sample.labels).some((value) => value.includes(REPO)))).toEqual([]);
  });
});
