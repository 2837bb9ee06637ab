import { relative } from "node:path";
import { allFeatures, approvedPlan, latestContract, missionProgress, type Mission } from "../mission/index.ts";
import type { MissionStore, StoreChange } from "../store/index.ts";
import type { CommentKind } from "./local-github.ts";
import { plainLine, type ProgressSnapshot } from "./live-progress.ts";
import type { TerminalOutput } from "./terminal-output.ts";

/**
 * Turns what the engine records (the store's timeline, the ledger, the port's comments and check
 * runs) into progress on the terminal and `--json` events. It only looks: the engine never waits on it.
 */
export class ProgressReporter {
  #store: MissionStore | undefined;
  readonly #output: TerminalOutput;
  readonly #repositoryPath: string;
  #queue: Promise<void> = Promise.resolve();
  #active = "";
  #handoff: string | undefined;
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
          if (!this.#output.live) this.#output.say(`… ${plainLine(this.#snapshot(mission))}`);
          break;
        }
        case "handoff-submit": {
          const feature = allFeatures(mission).find((candidate) => candidate.id === data.feature);
          const commit = typeof data.commit === "string" ? data.commit : undefined;
          const summary = firstLine(data.summary);
          this.#handoff = `${String(data.feature)} ${String(data.status)}${summary ? `: ${summary}` : ""}`;
          this.#output.emit(
            { event: "feature-committed", missionId: mission.id, feature: data.feature, title: feature?.title, commit, branch: mission.branch, handoff: data.status, summary: data.summary },
            `${data.status === "blocked" ? "⛔" : "✔"} ${String(data.feature)} ${feature?.title ?? ""} — ${commit?.slice(0, 7) ?? "no commit"} on ${mission.branch} (${String(data.status)})${summary ? `\n  handoff: ${summary}` : ""}`,
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
          this.#output.emit({ event: "spend", missionId: mission.id, usd: round(totals.usd), budgetUsd: mission.settings.budgetUsd, cacheShare: round(cacheShare), calls: totals.calls, elapsedMs: Date.now() - startedAt(mission) });
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
    this.#output.status(this.#snapshot(mission));
  }

  /** Milestones and features done, the active role and feature, the latest handoff, spend against the budget and the cache share. */
  #snapshot(mission: Mission): ProgressSnapshot {
    const progress = missionProgress(mission);
    const plan = approvedPlan(mission);
    return {
      active: this.#active,
      milestones: { done: plan ? plan.milestones.filter((milestone) => mission.milestones[milestone.id]?.status === "passed").length : 0, total: plan?.milestones.length ?? 0 },
      features: { done: progress.featuresDone, total: progress.featuresTotal },
      handoff: this.#handoff,
      usd: this.#usd,
      budgetUsd: mission.settings.budgetUsd,
      cacheShare: this.#cacheShare,
      startedAt: startedAt(mission),
    };
  }

  #later(work: () => Promise<void>): void {
    this.#queue = this.#queue.then(work).catch(() => {});
  }

  #path(path: string): string {
    return relative(this.#repositoryPath, path) || path;
  }
}

/** When the mission was created: elapsed time counts from there, also after `missions resume`. */
function startedAt(mission: Mission): number {
  const created = Date.parse(mission.createdAt);
  return Number.isFinite(created) ? created : Date.now();
}

function describeStep(mission: Mission, data: Record<string, unknown>): string | undefined {
  if (data.kind === "implement") {
    const feature = allFeatures(mission).find((candidate) => candidate.id === data.featureId);
    return `worker on ${String(data.featureId)} ${feature?.title ?? ""}`.trim();
  }
  if (data.kind === "validate") return `validators on ${String(data.milestoneId)}`;
  if (data.kind === "plan") return "orchestrator planning";
  if (data.kind === "plan-repair") return `repair planner planning the fix of ${String(data.milestoneId)}`;
  if (data.kind === "review-milestone" || data.kind === "curate-bulletin") return "orchestrator reviewing";
  if (data.kind === "finish") return "writing the summary";
  // Posting comments and notices: bookkeeping, not a role at work.
  return undefined;
}

/** A comment without its hidden markers (they are for the app). */
export function stripMarkers(body: string): string {
  return body.replace(/<!--[\s\S]*?-->/g, "").trim();
}

/** The first non-empty line of a model-written text, at most 160 characters. */
function firstLine(text: unknown): string {
  const line = typeof text === "string" ? (text.split("\n").find((candidate) => candidate.trim()) ?? "").trim() : "";
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
