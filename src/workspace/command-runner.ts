import { tmpdir } from "node:os";
import { join } from "node:path";
import { withScratch } from "./command-scratch.ts";
import { runCommand, type CommandResult, type RunOptions } from "./run-command.ts";

/** Runs a repository's or an agent's shell command; what confines it is the implementation's. */
export interface CommandRunner {
  /** `sandbox` when commands are confined; `none` when the operator turned the sandbox off. */
  readonly kind: "sandbox" | "none";
  /** Where commands' private HOME and TMPDIR (and the user-testing browser's profile) are made: a short path. */
  readonly scratchRoot: string;
  /** Resolves when commands can run; throws a host fault (the mission pauses) when they cannot. */
  ready(): Promise<void>;
  run(command: string, options: RunOptions): Promise<CommandResult>;
}

/** No confinement beyond a clean environment, a private HOME and TMPDIR, and a process group killed at the timeout. */
export class UnconfinedRunner implements CommandRunner {
  readonly kind = "none" as const;
  readonly scratchRoot: string;
  readonly #environment: Record<string, string>;

  constructor(options: { scratchRoot?: string; environment?: Record<string, string> } = {}) {
    this.scratchRoot = options.scratchRoot ?? join(tmpdir(), "missions-scratch");
    this.#environment = options.environment ?? {};
  }

  async ready(): Promise<void> {}

  run(command: string, options: RunOptions): Promise<CommandResult> {
    return withScratch(this.scratchRoot, (scratch) => runCommand(command, { ...options, env: { ...options.env, ...this.#environment, HOME: scratch, TMPDIR: scratch } }));
  }
}
