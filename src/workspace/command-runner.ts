import { tmpdir } from "node:os";
import { join } from "node:path";
import { withScratch } from "./command-scratch.ts";
import { runCommand, type CommandResult, type RunOptions } from "./run-command.ts";

/** Runs a repository's or an agent's shell command; what confines it is the implementation's. */
export interface CommandRunner {
  /** `sandbox` when commands are confined; `none` when the operator turned the sandbox off. */
  readonly kind: "sandbox" | "none";
  run(command: string, options: RunOptions): Promise<CommandResult>;
}

/** No confinement beyond a clean environment, a private HOME and TMPDIR, and a process group killed at the timeout. */
export class UnconfinedRunner implements CommandRunner {
  readonly kind = "none" as const;
  run(command: string, options: RunOptions): Promise<CommandResult> {
    return withScratch(join(tmpdir(), "missions-scratch"), (scratch) =>
      runCommand(command, { ...options, env: { ...options.env, HOME: scratch, TMPDIR: scratch } }),
    );
  }
}
