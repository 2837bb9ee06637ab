import { ControlThrottle, renderControl } from "../control/index.ts";
import { applyIntent, blockOnStep, controlMarker, isTerminal, nextStep, pauseForBudget, pauseForHost, pauseForOutage, StepProgressError, type Mission } from "../mission/index.ts";
import { ClaimLostError, type MissionEvent, type TurnClaim } from "../store/index.ts";
import type { EngineDeps, StepContext } from "./engine-deps.ts";
import { stepRetryPolicy } from "./retry-policy.ts";
import { stepDisposition } from "./step-disposition.ts";
import { statusChange } from "./status-change.ts";
import { stepEvents } from "./step-events.ts";
import { runStep, stepTable, type WorkStep } from "./step-table.ts";
import { postCommentOnce } from "./steps/post-comment-once.ts";
import { repoRef } from "./steps/remote-access.ts";
import { reportStoppedValidation } from "./steps/validation-checks.ts";
import { clearStaleButtons, closeOpenChecks, withSavedOpenChecks } from "./steps/open-checks.ts";
import { describeStoppingIntent, stoppedForPeople, stoppingIntent } from "./people-interrupt.ts";

interface Drive {
  promise: Promise<void>;
  again: boolean;
}

/**
 * Runs missions one step at a time: apply people's intents, ask `nextStep`, run it, persist, repeat.
 * Steps of one mission are serial; different missions run concurrently. A crash loses at most the
 * step in flight, which re-runs from the last pushed commit.
 */
export class Engine {
  readonly #deps: EngineDeps;
  readonly #drives = new Map<string, Drive>();
  /** Turns in flight, from the loop or from the shared queue's jobs. */
  readonly #turns = new Set<Promise<unknown>>();
  /** Missions with a turn running here, and how many (the loop's, or a queue job's). */
  readonly #turning = new Map<string, number>();
  readonly #control: ControlThrottle;
  readonly #abort = new AbortController();
  readonly #steps = stepTable((context, mission) => this.#postControl(context, mission));
  #stopping = false;

  constructor(deps: EngineDeps) {
    this.#deps = deps;
    this.#control = new ControlThrottle({
      intervalMs: deps.settings.controlEditIntervalMs ?? 5_000,
      // The control comment is a view; failing to refresh it must never stop the mission.
      onError: (error, missionId) => deps.log.warn({ err: error, mission: missionId }, "could not update the control comment"),
      // Several instances: an edit kept here for later must not land after another instance's newer one.
      ...(deps.controlState ? { recorded: (missionId: string) => deps.controlState!.read(missionId) } : {}),
    });
  }

  /** Makes sure the mission is being driven; returns when it waits for people or ends. */
  kick(missionId: string): Promise<void> {
    const running = this.#drives.get(missionId);
    if (running) {
      running.again = true;
      return running.promise;
    }
    const drive: Drive = { again: false, promise: Promise.resolve() };
    drive.promise = (async () => {
      try {
        do {
          drive.again = false;
          await this.#drive(missionId);
        } while (drive.again && !this.#stopping);
      } catch (error) {
        this.#deps.log.error({ err: error, mission: missionId }, "mission drive crashed");
      } finally {
        this.#drives.delete(missionId);
      }
    })();
    this.#drives.set(missionId, drive);
    return drive.promise;
  }

  /** On boot: every unfinished mission continues where its persisted state says. */
  async resumeAll(): Promise<void> {
    for (const mission of await this.#deps.store.listMissions({ active: true })) void this.kick(mission.id);
  }

  /** Resolves when no mission is being driven (tests and graceful shutdown). */
  async idle(): Promise<void> {
    while (this.#drives.size > 0 || this.#turns.size > 0) await Promise.all([...[...this.#drives.values()].map((drive) => drive.promise), ...this.#turns]);
  }

  /** Stops at the step in flight: it is cancelled and will re-run on the next start. Control comments are brought up to date. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#abort.abort();
    await Promise.all([...[...this.#drives.values()].map((drive) => drive.promise), ...[...this.#turns].map((turn) => turn.catch(() => {}))]);
    await this.#control.flushAll();
  }

  async #drive(missionId: string): Promise<void> {
    while ((await this.turn(missionId)) === "again");
  }

  /**
   * One turn of the loop: apply people's intents, or run the next step and persist it. "again": the
   * mission has more to do now; "wait": it waits for people or ended; "stopped": the engine is
   * stopping and the turn is left for the next start (or another instance). The in-process loop
   * turns until "wait"; the shared queue (step-queue.ts) runs one turn per job.
   *
   * `signal`: the turn is no longer this instance's (the queue's job lost its claim: another instance
   * took the mission over). The step in flight is cut short, as when the engine stops, and nothing of
   * it is saved: the mission is the new owner's now. The turn then ends "stopped".
   *
   * `claim`: the queue's claim on the turn, checked by the store in each transaction that saves the
   * mission: the signal can come too late (a pause between its last look and the save). A save refused
   * for it ends the turn "lost", with nothing of it saved but what a step records as it goes (its
   * timeline events, evidence, the ledger: what was spent stays counted).
   */
  async turn(missionId: string, signal?: AbortSignal, claim?: TurnClaim): Promise<"again" | "wait" | "stopped" | "lost"> {
    this.#turning.set(missionId, (this.#turning.get(missionId) ?? 0) + 1);
    // The queue that gave the claim says so in its log.
    const turn = this.#turn(missionId, signal, claim).catch((error: unknown) => {
      if (error instanceof ClaimLostError) return "lost" as const;
      throw error;
    });
    this.#turns.add(turn);
    try {
      return await turn;
    } finally {
      this.#turns.delete(turn);
      const left = (this.#turning.get(missionId) ?? 1) - 1;
      if (left > 0) this.#turning.set(missionId, left);
      else this.#turning.delete(missionId);
    }
  }

  async #turn(missionId: string, owned?: AbortSignal, claim?: TurnClaim): Promise<"again" | "wait" | "stopped"> {
    const log = this.#deps.log.child({ mission: missionId });
    const signal = owned ? AbortSignal.any([this.#abort.signal, owned]) : this.#abort.signal;
    const context: StepContext = { ...this.#deps, log, signal, now: this.#deps.now ?? (() => new Date()), ...(claim ? { claim } : {}) };
    if (this.#stopping || signal.aborted) return "stopped";
    let mission = await this.#deps.store.getMission(missionId);
    if (!mission) return "wait";
    const intents = await this.#deps.store.pendingIntents(missionId);
    if (intents.length > 0) {
      // The turn is no longer this instance's: the new owner applies these intents (they stay pending).
      if (owned?.aborted) return "stopped";
      const now = context.now().toISOString();
      const before = mission;
      // Saved with the mission, in one transaction: a save refused for a lost claim records none of them.
      const applied: MissionEvent[] = [];
      for (const intent of intents) {
        mission = applyIntent(mission, intent, now, { maxBudgetUsd: this.#deps.settings.maxBudgetUsd });
        applied.push({ missionId, kind: "intent-apply", at: now, data: { verb: intent.verb, author: intent.author } });
      }
      // Leaving `running` with check runs still open — a validation these intents stopped, or one a crash
      // cut: they are cancelled, saying why and how the mission goes on.
      const stopping = stoppingIntent(intents);
      mission = await closeOpenChecks(context, { ...mission, updatedAt: now }, applied, stopping ? describeStoppingIntent(stopping) : undefined);
      if (owned?.aborted) return "stopped";
      await this.#deps.store.saveMission(mission, intents.map((intent) => intent.seq), [...applied, ...statusChange(before, mission, now)], claim);
      log.info({ intents: intents.map((intent) => intent.verb), status: mission.status }, "intents applied");
      // Buttons that no longer fit (Resume on a mission a comment resumed, Re-run on a closed pull request)
      // are taken away once the change is saved: a failed save leaves them where they still work.
      await clearStaleButtons(context, before, mission);
      await this.#syncControl(context, mission, intents.some((intent) => intent.verb === "status"));
      return "again";
    }
    const step = nextStep(mission);
    if (step.kind === "wait") {
      // Waiting for people or ended: what the comment shows must be the final word.
      await this.#syncControl(context, mission);
      await this.#control.flush(missionId);
      // A write that failed leaves nothing "written": the final word is tried again, a few times, before the comment is let go.
      for (let attempt = 1; attempt <= 3 && mission.controlCommentId !== undefined && this.#control.latest(missionId) === undefined && !this.#stopping; attempt++) {
        await sleep(this.#deps.settings.retryDelayMs * attempt, signal).catch(() => {});
        await this.#syncControl(context, mission, true);
        await this.#control.flush(missionId);
      }
      if (isTerminal(mission.status)) this.#control.forget(missionId);
      return "wait";
    }
    const events: MissionEvent[] = [];
    const next = await this.#attempt(context, mission, step, events);
    // A step that finished as the engine stops is saved; one whose turn is no longer this instance's is not.
    if (next === undefined || owned?.aborted) return "stopped";
    await this.#deps.store.saveMission(next, [], [...events, ...statusChange(mission, next, context.now().toISOString())], claim);
    await this.#syncControl(context, next);
    return "again";
  }

  /** Runs a step; a passing failure is retried with growing delays, a lasting one pauses or blocks the mission. */
  async #attempt(context: StepContext, mission: Mission, step: WorkStep, events: MissionEvent[]): Promise<Mission | undefined> {
    const started = context.now();
    await this.#deps.store.appendEvent({ missionId: mission.id, kind: "step-start", at: started.toISOString(), data: { ...step } });
    // A validation saves its open check runs as it goes: the mission saved after it carries the store's list.
    const saved = async (next: Mission) => (step.kind === "validate" ? withSavedOpenChecks(next, await this.#deps.store.getMission(mission.id)) : next);
    try {
      const next = await saved(await runStep(this.#steps, context, mission, step));
      // Saved with the mission, in one transaction: a kill between the two cannot record a handoff or verdict twice.
      events.push({ missionId: mission.id, kind: "step-end", at: context.now().toISOString(), data: { ...step, ms: context.now().getTime() - started.getTime() } });
      for (const event of stepEvents(mission, next, step)) events.push({ missionId: mission.id, at: context.now().toISOString(), ...event });
      context.log.info({ step: step.kind, ms: context.now().getTime() - started.getTime() }, "step finished");
      return { ...next, stepFailures: 0, updatedAt: context.now().toISOString() };
    } catch (error) {
      // The engine stops, or the turn is no longer this instance's: the step re-runs on the next start or its new owner.
      if (this.#stopping || context.signal.aborted) return undefined;
      // A save inside the step (a validation's open check runs) found the claim gone: nothing more of the turn is saved.
      if (error instanceof ClaimLostError) throw error;
      const people = stoppedForPeople(error);
      if (people) {
        // Not a failure: people asked the mission to stop. What ended is kept; the next turn applies
        // their intents, and the check runs left open are cancelled saying what became of the mission.
        context.log.info({ step: step.kind, verb: people.intent.verb }, "step stopped for people's command");
        return saved(error instanceof StepProgressError ? error.mission : mission);
      }
      const next = await saved(await this.#failed(context, mission, step, error));
      // A validation that stopped cancelled its check runs: they say now how the mission goes on.
      await reportStoppedValidation(context, error, next);
      // Any it could not cancel, or an earlier crashed run left, are closed when the mission stops running.
      return closeOpenChecks(context, next, events);
    }
  }

  /** What a failed step leads to, as `stepDisposition` classifies its error: logged, recorded, then the mission's transition. */
  async #failed(context: StepContext, begun: Mission, step: WorkStep, error: unknown): Promise<Mission> {
    // What the step finished before it failed (reviews that ended, say) is saved with whatever comes next.
    const progress = error instanceof StepProgressError ? error : undefined;
    const mission = progress?.mission ?? begun;
    const failures = mission.stepFailures + 1;
    const disposition = stepDisposition(error, failures, stepRetryPolicy(this.#deps.settings));
    const failed = (message: string, retryable: boolean) =>
      this.#deps.store.appendEvent({ missionId: mission.id, kind: "step-fail", at: context.now().toISOString(), data: { ...step, message, retryable } });
    if (disposition.kind === "pause-budget") return pauseForBudget(mission, { ...disposition, maxUsd: this.#deps.settings.maxBudgetUsd, ...(progress ? { kept: progress.kept } : {}) });
    if (disposition.kind === "pause-operator" && disposition.cause === "host") {
      // The operator must fix the host (sandbox, browser): the comment says why and how; the raw detail goes to the log.
      context.log.error({ err: error, detail: disposition.detail, step: step.kind }, "the app's host cannot run this step");
      await failed(disposition.message, false);
      return pauseForHost(mission, disposition);
    }
    const retryable = disposition.kind !== "block";
    context.log.warn({ err: error, step: step.kind, failures, retryable }, "step failed");
    await failed(disposition.message, retryable);
    switch (disposition.kind) {
      case "retry":
        await sleep(disposition.delayMs, context.signal);
        return { ...mission, stepFailures: failures };
      case "pause-operator":
        return pauseForOutage(mission, { step, message: disposition.message, retries: disposition.retries });
      case "block":
        return blockOnStep(mission, { step, message: disposition.message });
    }
  }

  /**
   * The shared queue says the mission's next turn waits for a free instance (`queued`), or no longer
   * does: its control comment says so (paced like every edit). A turn's own edit says it is not queued.
   * What the queue said may be stale by now: a mission whose turn has meanwhile begun, here or on
   * another instance, is not made to say "queued".
   */
  async showQueued(missionId: string, queued: boolean): Promise<void> {
    if (this.#stopping) return;
    const mission = await this.#deps.store.getMission(missionId);
    if (!mission || (mission.status !== "planning" && mission.status !== "running")) return;
    if (queued && (this.#turning.has(missionId) || (this.#deps.stillQueued && !(await this.#deps.stillQueued(missionId))))) return;
    const context: StepContext = { ...this.#deps, log: this.#deps.log.child({ mission: missionId }), signal: this.#abort.signal, now: this.#deps.now ?? (() => new Date()) };
    await this.#syncControl(context, mission, false, queued);
  }

  async #postControl(context: StepContext, mission: Mission): Promise<Mission> {
    const body = renderControl(mission, context.now(), this.#links(mission), await this.#deps.store.usageTotals(mission.id));
    const controlCommentId = await postCommentOnce(context, mission, controlMarker(mission.id), body);
    this.#control.markWritten(mission.id, body);
    await this.#keepControl(mission.id, body);
    return { ...mission, controlCommentId };
  }

  /**
   * Edits the control comment when what it shows changed (or when a person asked for `/mission
   * status`), paced by the throttle: at most one edit per interval, the newest state kept for later.
   */
  async #syncControl(context: StepContext, mission: Mission, force = false, queued = false): Promise<void> {
    const commentId = mission.controlCommentId;
    if (commentId === undefined) return;
    if (this.#deps.controlState) {
      // Another instance may have written it since this one did: what the comment shows, and when it was
      // written, are the store's (the last write of any instance), so the edits are paced across instances.
      const kept = await this.#deps.controlState.read(mission.id).catch(() => undefined);
      if (kept) this.#control.adopt(mission.id, kept.body, kept.at);
    }
    const body = renderControl(mission, context.now(), { ...this.#links(mission), queued }, await this.#deps.store.usageTotals(mission.id));
    const withoutClock = (text: string | undefined) => text?.replace(/\| \*\*Elapsed\*\* \|[^\n]*/, "");
    if (!force && withoutClock(this.#control.latest(mission.id)) === withoutClock(body)) return;
    const write = async (text: string) => {
      await context.github.updateComment(repoRef(mission), commentId, text);
      await this.#keepControl(mission.id, text);
    };
    await this.#control.offer(mission.id, body, write, { urgent: force || isTerminal(mission.status) });
  }

  /** The comment's body as written, for the next instance to take the mission (shared store only). */
  async #keepControl(missionId: string, body: string): Promise<void> {
    await this.#deps.controlState?.written(missionId, body, Date.now()).catch((error: unknown) => this.#deps.log.warn({ err: error, mission: missionId }, "could not keep the control comment's state"));
  }

  #links(mission: Mission) {
    const { githubWebUrl = "https://github.com", publicUrl } = this.#deps.settings;
    return {
      repositoryUrl: `${githubWebUrl}/${mission.repo.owner}/${mission.repo.name}`,
      sandboxed: this.#deps.runner.kind === "sandbox",
      ...(publicUrl ? { dashboardUrl: `${publicUrl}/missions/${mission.id}` } : {}),
    };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
