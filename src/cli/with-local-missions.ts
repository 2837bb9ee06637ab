import { driveMission } from "./drive-mission.ts";
import { EXIT } from "./exit-codes.ts";
import { LocalMissions, missionsDirectoryOf } from "./local-missions.ts";
import { ProgressReporter } from "./progress-reporter.ts";
import type { TerminalOutput } from "./terminal-output.ts";
import type { OperatorConfig } from "../config/index.ts";
import { openStore, StoreLockedError, type MissionStore } from "../store/index.ts";
import { lockMission, type MissionLock } from "./mission-lock.ts";

/** A problem the person must fix before anything runs: said plainly, exit code 2. */
export class UsageProblem extends Error {
  override name = "UsageProblem";
}

export interface RunFlags {
  yes?: boolean;
  json?: boolean;
  budget?: number;
  answers?: string;
}

/** What every command that drives a mission starts from: the repository, the configuration, who decides, where output goes. */
export interface LocalSetup {
  root: string;
  config: OperatorConfig;
  author: string;
  output: TerminalOutput;
  /** A person is at the terminal (stdin and stdout are terminals). */
  interactive?: boolean;
}

/** The command that drives: what to tell the person when another process has the mission. */
export type DrivingCommand = "run" | "resume" | "abort";

/** SQLite: the store's lock file is held by the process that drives a mission of this repository. */
const STORE_BUSY: Record<DrivingCommand, string> = {
  run: "Another missions process is running a mission in this repository: wait for it to finish (or stop it with Ctrl-C there), then run this again.",
  resume: "Another missions process is running a mission in this repository: wait for it to finish (or stop it with Ctrl-C there), then missions resume.",
  abort: "Another missions process is running a mission in this repository: stop it with Ctrl-C there (it stops at the step in flight), then missions abort again.",
};

/**
 * Opens the engine on the repository, starts or picks a mission, and drives it; Ctrl-C stops at the step in flight.
 * One process drives a mission at a time: SQLite's lock file, or on PostgreSQL a lock per mission (`lockMission`).
 */
export async function withLocalMissions(setup: LocalSetup, flags: RunFlags, pick: (local: LocalMissions, output: TerminalOutput) => Promise<string>, command: DrivingCommand = "run"): Promise<number> {
  const { output, root } = setup;
  const reporter = new ProgressReporter({ output, repositoryPath: root });
  let store: MissionStore;
  try {
    store = await openStore(setup.config);
  } catch (error) {
    if (error instanceof StoreLockedError) throw new UsageProblem(STORE_BUSY[command]);
    throw error;
  }
  let local: LocalMissions;
  try {
    local = new LocalMissions({
      config: setup.config,
      store,
      repositoryPath: root,
      missionsDirectory: missionsDirectoryOf(root),
      onChange: (change) => reporter.storeChanged(change),
      onComment: (event) => reporter.commented(event, local.github.missionDirectory(event.missionId)),
      onCheckRun: (event) => reporter.reported(event),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  reporter.attach(local.store);
  let interrupted = false;
  // Ctrl-C exits 130, SIGTERM 143 (128 + the signal's number), as a shell reports them.
  let stoppedWith: number = EXIT.interrupted;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // The bars come off first: they hide the cursor while drawn.
      output.pause();
      process.exit(stoppedWith);
    }
    interrupted = true;
    if (signal === "SIGTERM") stoppedWith = EXIT.terminated;
    output.pause();
    output.problem("Stopping at the step in flight… (missions resume continues; Ctrl-C again quits at once)");
    void local.engine.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let lock: MissionLock | undefined;
  try {
    const missionId = await pick(local, output);
    lock = await lockMission(setup.config, missionId);
    if (!lock) {
      // The other process drives it: an abort is recorded for it to apply at its next step; nothing else may run beside it.
      if (command === "abort") {
        output.emit({ event: "abort-recorded", missionId }, `Mission ${missionId} is running in another missions process: it ends at its next step.`);
        return EXIT.passed;
      }
      throw new UsageProblem(`Mission ${missionId} is running in another missions process: wait for it to finish (or stop it with Ctrl-C there), then missions resume ${missionId}.`);
    }
    const code = await driveMission(local, missionId, { yes: !!flags.yes, answersFile: flags.answers, interactive: !!setup.interactive && !flags.json, author: setup.author, repositoryPath: root, interrupted: () => interrupted, settled: () => reporter.flushed() }, output);
    await reporter.flushed();
    await local.removeCheckoutIfOver(missionId);
    if (code === EXIT.interrupted) {
      output.emit({ event: "stopped", missionId, exitCode: stoppedWith }, `Stopped. Continue with: missions resume ${missionId}`);
      return stoppedWith;
    }
    return code;
  } finally {
    await reporter.flushed();
    output.pause();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await local.stop();
    await lock?.release();
  }
}

