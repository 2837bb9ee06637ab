import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { MissionStatusSchema } from "../mission/index.ts";
import type { MissionStore, StoreChange } from "../store/index.ts";

/** The shared step queue as metrics read it (PostgreSQL; see src/engine/step-queue.ts). */
export interface QueueGauge {
  depth(): Promise<{ waiting: number; running: number; oldestWaitingMs: number }>;
  readonly runningHere: number;
}

/** One GitHub API call as Octokit saw it. */
export interface GitHubCall {
  method: string;
  /** The route template (`/repos/{owner}/{repo}/issues/{issue_number}/comments`): bounded label values. */
  route: string;
  status: number;
  rateLimitRemaining?: number;
  rateLimitResource?: string;
}

/**
 * The app's Prometheus metrics. Model usage is read from the store's running totals at each scrape
 * (kept with every ledger row, so a scrape reads a row per role and model, never the whole ledger):
 * the counters equal the ledger exactly and survive restarts; steps and GitHub calls are counted as they happen
 * in this process. No label carries a repository, an issue or any text from people or models.
 */
export class MissionsMetrics {
  readonly registry = new Registry();
  readonly #steps: Counter<"step" | "outcome">;
  readonly #stepSeconds: Histogram<"step">;
  readonly #githubCalls: Counter<"method" | "route" | "status">;
  readonly #rateLimit: Gauge<"resource">;

  constructor(store: MissionStore, queue?: QueueGauge) {
    // The process's own metrics under their standard names (process_*, nodejs_*), which every Node.js
    // dashboard and alert expects; the app's own metrics are the missions_* ones.
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    new Gauge({
      name: "missions_missions",
      help: "Missions by status.",
      labelNames: ["status"],
      registers,
      async collect() {
        const counts = await store.countMissionsByStatus();
        for (const status of MissionStatusSchema.options) this.set({ status }, counts[status] ?? 0);
      },
    });
    if (queue) {
      // Read once per scrape, by the first of the queue's gauges to collect.
      let reading: Promise<{ waiting: number; running: number; oldestWaitingMs: number }> | undefined;
      const depth = () => (reading ??= queue.depth().finally(() => setImmediate(() => (reading = undefined))));
      new Gauge({ name: "missions_queue_waiting_steps", help: "Missions' steps waiting in the shared queue for an instance (all instances).", registers, async collect() { this.set((await depth()).waiting); } });
      new Gauge({ name: "missions_queue_running_steps", help: "Missions' steps running now (all instances).", registers, async collect() { this.set((await depth()).running); } });
      new Gauge({ name: "missions_queue_oldest_waiting_seconds", help: "How long the oldest waiting step has waited (0: none waits).", registers, async collect() { this.set((await depth()).oldestWaitingMs / 1000); } });
      new Gauge({ name: "missions_queue_running_here_steps", help: "Missions' steps this instance runs now.", registers, collect() { this.set(queue.runningHere); } });
    }
    this.#steps = new Counter({ name: "missions_steps_total", help: "Engine steps finished, by step and outcome (ok, failed).", labelNames: ["step", "outcome"], registers });
    this.#stepSeconds = new Histogram({
      name: "missions_step_duration_seconds",
      help: "How long engine steps took.",
      labelNames: ["step"],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers,
    });
    const ledger = async () => (await store.usageSummary()).map((row) => ({ ...row, labels: { provider: row.model.split("/")[0]!, model: row.model, role: row.role } }));
    new Counter({
      name: "missions_model_calls_total",
      help: "Model calls recorded in the ledger, by provider, model and role.",
      labelNames: ["provider", "model", "role"],
      registers,
      async collect() {
        this.reset();
        for (const row of await ledger()) this.inc(row.labels, row.calls);
      },
    });
    new Counter({
      name: "missions_model_tokens_total",
      help: "Tokens recorded in the ledger, by provider, model, role and kind (input includes cache reads and writes).",
      labelNames: ["provider", "model", "role", "kind"],
      registers,
      async collect() {
        this.reset();
        for (const row of await ledger()) {
          this.inc({ ...row.labels, kind: "input" }, row.inputTokens);
          this.inc({ ...row.labels, kind: "output" }, row.outputTokens);
          this.inc({ ...row.labels, kind: "cache_read" }, row.cacheReadTokens);
          this.inc({ ...row.labels, kind: "cache_write" }, row.cacheWriteTokens);
        }
      },
    });
    new Counter({
      name: "missions_model_cost_usd_total",
      help: "Model cost in USD recorded in the ledger, by provider, model and role.",
      labelNames: ["provider", "model", "role"],
      registers,
      async collect() {
        this.reset();
        for (const row of await ledger()) this.inc(row.labels, row.usd);
      },
    });
    this.#githubCalls = new Counter({ name: "missions_github_requests_total", help: "GitHub API requests, by method, route and status.", labelNames: ["method", "route", "status"], registers });
    this.#rateLimit = new Gauge({ name: "missions_github_rate_limit_remaining", help: "Requests left in GitHub's current rate-limit window, as last reported.", labelNames: ["resource"], registers });
  }

  /** Counts what the store accepted: a step's end or failure. */
  observe(change: StoreChange): void {
    if (change.kind !== "event") return;
    const { kind, data } = change.event;
    const step = typeof data.kind === "string" ? data.kind : "unknown";
    if (kind === "step-end") {
      this.#steps.inc({ step, outcome: "ok" });
      if (typeof data.ms === "number") this.#stepSeconds.observe({ step }, data.ms / 1000);
    } else if (kind === "step-fail") {
      this.#steps.inc({ step, outcome: "failed" });
    }
  }

  githubCall(call: GitHubCall): void {
    this.#githubCalls.inc({ method: call.method, route: call.route, status: String(call.status) });
    if (call.rateLimitRemaining !== undefined && Number.isFinite(call.rateLimitRemaining)) {
      this.#rateLimit.set({ resource: call.rateLimitResource ?? "core" }, call.rateLimitRemaining);
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
