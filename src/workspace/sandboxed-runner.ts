import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SandboxManager } from "@anthropic-ai/sandbox-runtime";
import type { CommandRunner } from "./command-runner.ts";
import { runCommand, type CommandResult, type RunOptions } from "./run-command.ts";

export interface SandboxPolicy {
  /** Hosts commands may reach (HTTP, HTTPS and other TCP through the sandbox's proxies). */
  allowedDomains: string[];
  /** Paths no command may read: the app's secrets and store, every mission's checkout but its own. */
  hidden: string[];
}

/** The sandbox cannot start on this host; the message says what to install. */
export class SandboxUnavailableError extends Error {
  override name = "SandboxUnavailableError";
  readonly isRetryable = false;
  constructor(problems: string[]) {
    super(
      `The sandbox for repository commands could not start: ${problems.join("; ")}. ` +
        "Install bubblewrap, socat and ripgrep on the app's host (Debian or Ubuntu: apt-get install bubblewrap socat ripgrep), " +
        "then comment `/mission resume`. The operator can run commands unconfined with MISSIONS_SANDBOX=off, which is not recommended.",
    );
  }
}

/**
 * Commands in `@anthropic-ai/sandbox-runtime` (bubblewrap on Linux): the checkout and a private
 * temporary directory are writable — the checkout's `.git` is not — the app's secrets and other
 * checkouts are unreadable, the process tree has its own PID namespace (no other process's
 * `/proc` to read), and the network reaches only the allowlisted hosts.
 */
export class SandboxedRunner implements CommandRunner {
  readonly kind = "sandbox" as const;
  readonly #policy: SandboxPolicy;
  #ready: Promise<void> | undefined;

  constructor(policy: SandboxPolicy) {
    this.#policy = policy;
  }

  /** Starts the sandbox's proxies once; a failure is reported and tried again on the next command. */
  ready(): Promise<void> {
    this.#ready ??= this.#initialize().catch((error) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #initialize(): Promise<void> {
    if (!SandboxManager.isSupportedPlatform()) throw new SandboxUnavailableError([`${process.platform} is not supported`]);
    const check = SandboxManager.checkDependencies();
    if (check.errors.length > 0) throw new SandboxUnavailableError(check.errors);
    try {
      await SandboxManager.initialize({
        network: { allowedDomains: this.#policy.allowedDomains, deniedDomains: [] },
        filesystem: { denyRead: this.#policy.hidden, allowWrite: [], denyWrite: [] },
      });
    } catch (error) {
      throw new SandboxUnavailableError([(error as Error).message]);
    }
  }

  async run(command: string, options: RunOptions): Promise<CommandResult> {
    await this.ready();
    const scratch = await mkdtemp(join(tmpdir(), "missions-command-"));
    try {
      const wrapped = await SandboxManager.wrapWithSandbox(
        command,
        undefined,
        {
          filesystem: {
            denyRead: this.#policy.hidden,
            allowRead: [options.cwd],
            allowWrite: [options.cwd, scratch],
            // Host-side git reads .git/config: a command that could write it could make git run code outside.
            denyWrite: [join(options.cwd, ".git")],
          },
        },
        options.signal,
      );
      const result = await runCommand(wrapped, { ...options, env: { ...options.env, TMPDIR: scratch } });
      return { ...result, command };
    } finally {
      await rm(scratch, { recursive: true, force: true }).catch(() => {});
    }
  }

  /** Stops the sandbox's proxies (shutdown). */
  static async stop(): Promise<void> {
    await SandboxManager.reset().catch(() => {});
  }
}

/** Package registries: what installs need, and nothing a command could send a checkout to. */
export const DEFAULT_ALLOWED_DOMAINS = [
  "registry.npmjs.org",
  "registry.yarnpkg.com",
  "pypi.org",
  "files.pythonhosted.org",
  "proxy.golang.org",
  "sum.golang.org",
  "index.crates.io",
  "static.crates.io",
  "crates.io",
  "rubygems.org",
  "repo.maven.apache.org",
  "repo1.maven.org",
];
