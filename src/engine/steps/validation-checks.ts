import type { CheckRunInput } from "../../github/index.ts";
import { finishedCheckActions, stoppedCheckSummary, type Mission } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { ClaimLostError } from "../../store/index.ts";
import { dashboardUrl } from "./dashboard-url.ts";
import { repoRef } from "./remote-access.ts";
import { cancelStoppedChecks } from "./open-checks.ts";

export type Validator = "scrutiny" | "user-testing" | "reviewer";

interface OpenCheck {
  id: number;
  validator: Validator;
  name: string;
  headSha: string;
  title: string;
}

type CompletedCheck = Omit<CheckRunInput, "status" | "externalId" | "detailsUrl" | "actions"> & { conclusion: NonNullable<CheckRunInput["conclusion"]> };

type SavedCheck = NonNullable<Mission["milestones"][string]["openChecks"]>[number];

/** What a validation that stopped had open on GitHub, for the engine to say how the mission goes on. */
export interface StoppedValidation {
  milestoneId: string;
  checks: OpenCheck[];
  message: string;
}

const stoppedBy = new WeakMap<object, StoppedValidation>();

/** The check runs a stopped validation cancelled, carried by the error that stopped it. */
export function stoppedValidation(error: unknown): StoppedValidation | undefined {
  return typeof error === "object" && error !== null ? stoppedBy.get(error) : undefined;
}

/**
 * The check runs of one validation, and its validators on the mission's timeline. Every check run it
 * opens is completed before the step ends, whatever ends it: `stopAll` cancels what is still open.
 */
export class ValidationChecks {
  readonly #context: StepContext;
  readonly #mission: Mission;
  readonly #milestoneId: string;
  readonly #open = new Map<number, OpenCheck>();
  /** Check runs an earlier run of this step left open (saved on the milestone) that this run may take up again. */
  readonly #left = new Map<number, SavedCheck>();
  #saving: Promise<void> = Promise.resolve();
  /** Set once a save is refused for the turn's lost claim: from then on nothing more is written to GitHub either. */
  #lost: ClaimLostError | undefined;
  /** What each check run was completed with, for its buttons to follow what became of the mission. */
  readonly #completed = new Map<number, CompletedCheck>();

  constructor(context: StepContext, mission: Mission, milestoneId: string) {
    this.#context = context;
    this.#mission = mission;
    this.#milestoneId = milestoneId;
  }

  /** Opens the check run (or takes up the app's own of that name on that commit), in progress. */
  async open(validator: Validator, check: { name: string; headSha: string; title: string; summary: string; reuse: boolean }): Promise<number> {
    this.#stillOwned();
    const repo = repoRef(this.#mission);
    const input: CheckRunInput = {
      name: check.name,
      headSha: check.headSha,
      status: "in_progress",
      title: check.title,
      summary: check.summary,
      externalId: this.#mission.id,
      actions: [],
      ...this.#details(),
    };
    const found = check.reuse ? await this.#context.github.findCheckRun(repo, check.headSha, check.name) : undefined;
    // One taken up again was left by an earlier run of this step (stopped, or cut by a restart): it runs again.
    if (found !== undefined) await this.#context.github.updateCheckRun(repo, found, input);
    const id = found ?? (await this.#context.github.createCheckRun(repo, input));
    this.#open.set(id, { id, validator, name: check.name, headSha: check.headSha, title: check.title });
    this.#left.delete(id);
    await this.#save();
    return id;
  }

  /** Completes a check run with the validation's result, and the buttons that fit it. */
  async complete(id: number, input: CompletedCheck): Promise<void> {
    this.#stillOwned();
    await this.#context.github.updateCheckRun(repoRef(this.#mission), id, {
      ...input,
      status: "completed",
      externalId: this.#mission.id,
      actions: finishedCheckActions(this.#mission, this.#milestoneId, input.conclusion),
      ...this.#details(),
    });
    this.#open.delete(id);
    this.#completed.set(id, input);
    await this.#save();
  }

  /**
   * The validation ended and the mission is what it led to (blocked after its repair rounds, say):
   * each completed check run that offers other buttons now gets them — "Re-run validation" on a failed
   * one once nothing repairs it. Annotations are not sent again (GitHub would add them twice).
   */
  async offerActions(after: Mission): Promise<void> {
    this.#stillOwned();
    for (const [id, input] of this.#completed) {
      const actions = finishedCheckActions(after, this.#milestoneId, input.conclusion);
      if (actions.length === 0) continue;
      const { annotations: _annotations, ...rest } = input;
      await this.#context.github
        .updateCheckRun(repoRef(after), id, { ...rest, status: "completed", externalId: after.id, actions, ...this.#details() })
        .catch((failure: unknown) => this.#context.log.warn({ err: failure, checkRun: id }, "could not offer a check run's buttons"));
    }
  }

  /**
   * Before this run opens anything: the check runs an earlier run of this step left open (it was cut
   * by a crash) are cancelled, but for those it takes up again (its own names on the same commit).
   */
  async closeOrphans(head: string, reusable: string[]): Promise<void> {
    const saved = this.#mission.milestones[this.#milestoneId]?.openChecks ?? [];
    if (saved.length === 0) return;
    for (const check of saved) {
      if (check.headSha === head && reusable.includes(check.name)) {
        this.#left.set(check.id, check);
        continue;
      }
      await this.#cancel(check, stoppedCheckSummary("the app stopped while it ran", "A new validation replaces it."))
        .catch((failure: unknown) => this.#context.log.warn({ err: failure, checkRun: check.id }, "could not cancel a check run an earlier run left open"));
    }
    await this.#save();
  }

  /** The validation ended: what an earlier run left open and this one did not take up again is cancelled. */
  async closeLeft(): Promise<void> {
    const left = [...this.#left.values()];
    this.#left.clear();
    for (const check of left) {
      await this.#cancel(check, stoppedCheckSummary("the app stopped while it ran", "A later validation replaced it.")).catch((failure: unknown) => this.#context.log.warn({ err: failure, checkRun: check.id }, "could not cancel a check run"));
    }
    if (left.length > 0) await this.#save();
  }

  /** The check runs open now, saved on the milestone through the store as they open and close: a crash leaves them recorded. */
  async #save(): Promise<void> {
    this.#saving = this.#saving.then(async () => {
      const open = [...[...this.#open.values()].map(({ id, name, headSha, title }) => ({ id, name, headSha, title })), ...this.#left.values()];
      const current = await this.#context.store.getMission(this.#mission.id);
      const state = current?.milestones[this.#milestoneId];
      if (!current || !state) return;
      await this.#context.store.saveMission({ ...current, milestones: { ...current.milestones, [this.#milestoneId]: { ...state, openChecks: open.length > 0 ? open : undefined } } }, [], [], this.#context.claim);
    }).catch((error: unknown) => {
      // The turn is another instance's now: the validation stops here, saving and spending nothing more.
      if (error instanceof ClaimLostError) throw (this.#lost = error);
      this.#context.log.warn({ err: error }, "could not save the validation's open check runs");
    });
    await this.#saving;
  }

  /**
   * The validation stopped: every check run still open is cancelled with why — never left "in
   * progress" for good. The error carries them, so the engine can say how the mission goes on.
   */
  async stopAll(error: unknown): Promise<void> {
    const message = (error as Error)?.message ?? String(error);
    const checks = [...this.#open.values(), ...[...this.#left.values()].map((check) => ({ ...check, validator: "scrutiny" as const }))];
    this.#open.clear();
    this.#left.clear();
    // One that could not be cancelled (GitHub failing) stays saved as open: what comes next closes it.
    const unclosed: OpenCheck[] = [];
    for (const check of checks) {
      await this.#cancel(check, stoppedCheckSummary(message)).catch((failure: unknown) => {
        unclosed.push(check);
        this.#context.log.warn({ err: failure, checkRun: check.id }, "could not cancel a check run");
      });
    }
    for (const check of unclosed) this.#open.set(check.id, check);
    await this.#save();
    this.#open.clear();
    if (typeof error === "object" && error !== null) stoppedBy.set(error, { milestoneId: this.#milestoneId, checks, message });
  }

  /** Runs one validator between a start and an end on the mission's timeline. */
  async track<T>(validator: Validator, data: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
    await this.event("validator-start", { validator, ...data });
    try {
      const value = await work();
      await this.event("validator-end", { validator, ...data, outcome: "ended" });
      return value;
    } catch (error) {
      await this.event("validator-end", { validator, ...data, outcome: "stopped", message: ((error as Error)?.message ?? String(error)).split("\n")[0]!.slice(0, 300) });
      throw error;
    }
  }

  /** An event of this milestone's validation on the mission's timeline; the timeline failing never stops a validator. */
  async event(kind: string, data: Record<string, unknown>): Promise<void> {
    await this.#context.store
      .appendEvent({ missionId: this.#mission.id, kind, at: this.#context.now().toISOString(), data: { milestone: this.#milestoneId, ...data } })
      .catch((error: unknown) => this.#context.log.warn({ err: error, kind }, "could not record a validation event"));
  }

  /** The turn is another instance's now: its check runs are the new owner's to take up. */
  #stillOwned(): void {
    if (this.#lost) throw this.#lost;
  }

  async #cancel(check: SavedCheck, summary: string): Promise<void> {
    this.#stillOwned();
    await this.#context.github.updateCheckRun(repoRef(this.#mission), check.id, {
      name: check.name,
      headSha: check.headSha,
      status: "completed",
      conclusion: "cancelled",
      title: `${check.title} — stopped`,
      summary,
      externalId: this.#mission.id,
      actions: [],
      ...this.#details(),
    });
  }

  #details(): { detailsUrl?: string } {
    const url = dashboardUrl(this.#context, this.#mission);
    return url ? { detailsUrl: url } : {};
  }
}

/**
 * After a stopped validation the engine knows what became of the mission (paused for the budget,
 * blocked, tried again): each cancelled check run says so, with the command and the button that make
 * it go on, and the timeline records the stop.
 */
export async function reportStoppedValidation(context: StepContext, error: unknown, next: Mission): Promise<void> {
  const stopped = stoppedValidation(error);
  if (!stopped) return;
  await cancelStoppedChecks(context, next, stopped.milestoneId, stopped.checks, stopped.message, "could not say on a check run how the mission goes on");
  await context.store
    .appendEvent({
      missionId: next.id,
      kind: "validation-stop",
      at: context.now().toISOString(),
      data: { milestone: stopped.milestoneId, status: next.status, reason: next.reason, message: stopped.message.split("\n")[0]!.slice(0, 300), checkRuns: stopped.checks.map((check) => check.id) },
    })
    .catch((failure: unknown) => context.log.warn({ err: failure }, "could not record the validation's stop"));
}
