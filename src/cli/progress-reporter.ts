import { relative } from "node:path";
import { allFeatures, approvedPlan, latestContract, missionProgress, type Mission } from "../mission/index.ts";
import type { MissionStore, StoreChange } from "../store/index.ts";
import type { CommentKind } from "./local-github.ts";
import type { TerminalOutput } from "./terminal-output.ts";

/**
 * Turns what the engine records (the store's timeline, the ledger, the port's comments and check
 * runs) into progress on the terminal and `--json` events. It only looks: the engine never waits on it.
 */
export class ProgressReporter {
  #store: MissionStore | undefined;
  readonly #output: TerminalOutput;
  readonly #repositoryPath: string;
  readonly #started = Date.now();
  #queue: Promise<void> = Promise.resolve();
  #active = "";
  #usd: number | undefined;
  #cacheShare = 0;

  constructor(options: { output: TerminalOutput; repositoryPath: string }) {
    this.#output = options.output;
    this.#repositoryPath = options.repositoryPath;
  }

  /** The store to read missions from (opened after the reporter, which listens to it). */
  attach(store: MissionStore): void {
    this.#store = store;
  }

  /** Resolves once every change seen so far has been reported. */
  flushed(): Promise<void> {
    return this.#queue;
  }

  storeChanged(change: StoreChange): void {
    if (change.kind !== "event") return;
    const { event } = change;
    this.#later(async () => {
      const data = event.data as Record<string, unknown>;
      const mission = await this.#store!.getMission(event.missionId);
      if (!mission) return;
      switch (event.kind) {
        case "step-start": {
          const active = describeStep(mission, data);
          if (!active) return;
          this.#active = active;
          // Without a terminal, each step the roles take is a plain line with the progress so far.
          if (!this.#output.live) this.#output.say(`… ${this.#line(mission)}`);
          break;
        }
        case "handoff-submit": {
          const feature = allFeatures(mission).find((candidate) => candidate.id === data.feature);
          const commit = typeof data.commit === "string" ? data.commit : undefined;
          this.#output.emit(
            { event: "feature-committed", missionId: mission.id, feature: data.feature, title: feature?.title, commit, branch: mission.branch, handoff: data.status, summary: data.summary },
            `✔ ${String(data.feature)} ${feature?.title ?? ""} — ${commit?.slice(0, 7) ?? "no commit"} on ${mission.branch} (${String(data.status)})`,
          );
          break;
        }
        case "validation-end": {
          const verdicts = (data.verdicts as Array<{ assertion: string; verdict: string }>) ?? [];
          const failed = verdicts.filter((verdict) => verdict.verdict === "fail").map((verdict) => verdict.assertion);
          this.#output.emit(
            { event: "validation", missionId: mission.id, milestone: data.milestone, passed: data.passed, round: data.round, verdicts, problems: data.problems },
            `${data.passed ? "✅" : "❌"} milestone ${String(data.milestone)} ${data.passed ? "passed" : `failed (${failed.join(", ") || "see the report"}): a repair follows`}`,
          );
          break;
        }
        case "step-fail":
          this.#output.emit({ event: "step-failed", missionId: mission.id, step: data.kind, message: data.message, retryable: data.retryable }, `⚠ ${String(data.kind)} failed: ${String(data.message)}`);
          break;
        case "step-end": {
          const totals = await this.#store!.usageTotals(mission.id);
          const cacheShare = totals.inputTokens > 0 ? totals.cacheReadTokens / totals.inputTokens : 0;
          this.#output.emit({ event: "spend", missionId: mission.id, usd: round(totals.usd), budgetUsd: mission.settings.budgetUsd, cacheShare: round(cacheShare), calls: totals.calls, elapsedMs: Date.now() - this.#started });
          this.#usd = totals.usd;
          this.#cacheShare = cacheShare;
          break;
        }
      }
      this.#status(mission);
    });
  }

  /** The port posted or edited a comment: the contract, questions and notices are shown when they first appear. */
  commented(event: { missionId: string; kind: CommentKind; body: string; edited: boolean }, missionDirectory: string): void {
    if (event.edited || event.kind === "control") return;
    this.#later(async () => {
      const mission = await this.#store!.getMission(event.missionId);
      if (event.kind === "contract" && mission) {
        const contract = latestContract(mission)!;
        this.#output.emit({
          event: "planned",
          missionId: mission.id,
          summary: contract.plan.summary,
          milestones: contract.plan.milestones.length,
          features: contract.plan.features.length,
          assertions: contract.plan.assertions.length,
        });
        this.#output.emit(
          { event: "contract", missionId: mission.id, version: contract.version, path: this.#path(`${missionDirectory}/contract.md`), assertions: contract.plan.assertions.map(({ id, statement, milestoneId }) => ({ id, statement, milestone: milestoneId })) },
          `\n${stripMarkers(event.body)}\n\n(written to ${this.#path(`${missionDirectory}/contract.md`)})`,
        );
      } else if (event.kind === "questions") {
        this.#output.emit({ event: "questions-asked", missionId: event.missionId, questions: mission?.questions?.items ?? [] }, `\n${stripMarkers(event.body)}`);
      } else if (event.kind === "notice") {
        this.#output.emit({ event: "notice", missionId: event.missionId, text: stripMarkers(event.body) }, `\n${stripMarkers(event.body)}`);
      }
    });
  }

  /** A validator's report is written: where to read it. */
  reported(event: { missionId: string; input: { name: string; conclusion?: string }; markdownPath: string; jsonPath: string }): void {
    this.#later(async () => {
      this.#output.emit(
        { event: "report", missionId: event.missionId, name: event.input.name, conclusion: event.input.conclusion, markdown: this.#path(event.markdownPath), json: this.#path(event.jsonPath) },
        `  report: ${this.#path(event.markdownPath)}`,
      );
    });
  }

  #status(mission: Mission): void {
    this.#output.status(this.#line(mission));
  }

  /** Milestones and features done, the active role and feature, spend against the budget and the cache share, elapsed time. */
  #line(mission: Mission): string {
    const usd = this.#usd;
    const cacheShare = this.#cacheShare;
    const progress = missionProgress(mission);
    const plan = approvedPlan(mission);
    const milestones = plan ? `${plan.milestones.filter((milestone) => mission.milestones[milestone.id]?.status === "passed").length}/${plan.milestones.length} milestones · ` : "";
    const spend = usd !== undefined ? ` · $${usd.toFixed(2)} of $${mission.settings.budgetUsd ?? "?"}${cacheShare ? ` (cache ${Math.round(cacheShare * 100)}%)` : ""}` : "";
    const elapsed = ` · ${Math.round((Date.now() - this.#started) / 1000)}s`;
    const features = progress.featuresTotal > 0 ? `${progress.featuresDone}/${progress.featuresTotal} features` : "";
    return [this.#active, `${milestones}${features}`, spend.replace(/^ · /, ""), elapsed.replace(/^ · /, "")].filter(Boolean).join(" · ");
  }

  #later(work: () => Promise<void>): void {
    this.#queue = this.#queue.then(work).catch(() => {});
  }

  #path(path: string): string {
    return relative(this.#repositoryPath, path) || path;
  }
}

function describeStep(mission: Mission, data: Record<string, unknown>): string | undefined {
  if (data.kind === "implement") {
    const feature = allFeatures(mission).find((candidate) => candidate.id === data.featureId);
    return `worker on ${String(data.featureId)} ${feature?.title ?? ""}`.trim();
  }
  if (data.kind === "validate") return `validators on ${String(data.milestoneId)}`;
  if (data.kind === "plan") return "orchestrator planning";
  if (data.kind === "plan-repair") return `orchestrator planning the repair of ${String(data.milestoneId)}`;
  if (data.kind === "review-milestone" || data.kind === "curate-bulletin") return "orchestrator reviewing";
  if (data.kind === "finish") return "writing the summary";
  // Posting comments and notices: bookkeeping, not a role at work.
  return undefined;
}

/** A comment without its hidden markers (they are for the app). */
export function stripMarkers(body: string): string {
  return body.replace(/<!--[\s\S]*?-->/g, "").trim();
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
