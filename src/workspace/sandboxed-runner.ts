import { join } from "node:path";
import type { SandboxManager as SandboxManagerType } from "@anthropic-ai/sandbox-runtime";
import type { CommandRunner } from "./command-runner.ts";
import { shellQuote, withScratch } from "./command-scratch.ts";
import { runCommand, type CommandResult, type RunOptions } from "./run-command.ts";

export interface SandboxPolicy {
  /** Hosts commands may reach (HTTP, HTTPS and other TCP through the sandbox's proxies). */
  allowedDomains: string[];
  /** Paths no command may read: the app's directory, secrets and store, every mission's checkout but its own. */
  hidden: string[];
  /** Where each command's private HOME and TMPDIR are made: under a hidden path, so no other command sees them. */
  scratchRoot: string;
}

/** The sandbox library, loaded when the first command runs: an app that runs none does not carry it. */
let library: Promise<typeof SandboxManagerType> | undefined;
function sandboxManager(): Promise<typeof SandboxManagerType> {
  library ??= import("@anthropic-ai/sandbox-runtime").then((module) => module.SandboxManager);
  return library;
}

/** Writable by default in the sandbox library (its own scratch, the app user's tool caches): shared between commands, so denied. */
const SHARED_WRITABLE = ["/tmp/claude"];
/** Processes one command may run at once: enough for any build, too few for a fork bomb to starve the host. */
const MAX_PROCESSES = 4096;

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

  /** What every confined process must not read or write: the app under test's sandbox uses it too. */
  get confinement(): { hidden: string[]; denyWrite: string[]; scratchRoot: string } {
    return { hidden: [...this.#policy.hidden], denyWrite: [...SHARED_WRITABLE], scratchRoot: this.#policy.scratchRoot };
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
    const SandboxManager = await sandboxManager();
    if (!SandboxManager.isSupportedPlatform()) throw new SandboxUnavailableError([`${process.platform} is not supported`]);
    const check = SandboxManager.checkDependencies();
    if (check.errors.length > 0) throw new SandboxUnavailableError(check.errors);
    try {
      await SandboxManager.initialize({
        network: { allowedDomains: this.#policy.allowedDomains, deniedDomains: [] },
        filesystem: { denyRead: this.#policy.hidden, allowWrite: [], denyWrite: SHARED_WRITABLE },
      });
    } catch (error) {
      throw new SandboxUnavailableError([(error as Error).message]);
    }
    // Dependencies can be present and the sandbox still refused (an unprivileged container): try it.
    const probe = await this.#run("true", { cwd: this.#policy.scratchRoot, timeoutMs: 30_000, env: { PATH: "/usr/local/bin:/usr/bin:/bin" } });
    if (probe.exitCode !== 0) throw new SandboxUnavailableError([`a trial command failed: ${probe.output.trim().split("\n").slice(-3).join(" ") || `exit ${probe.exitCode}`}`]);
  }

  async run(command: string, options: RunOptions): Promise<CommandResult> {
    await this.ready();
    return this.#run(command, options);
  }

  #run(command: string, options: RunOptions): Promise<CommandResult> {
    return withScratch(this.#policy.scratchRoot, async (scratch) => {
      // The library sets its own TMPDIR inside the sandbox; the command's own comes last and wins.
      const prelude = `export HOME=${shellQuote(scratch)} TMPDIR=${shellQuote(scratch)}; ulimit -u ${MAX_PROCESSES} 2>/dev/null; `;
      const wrapped = await (await sandboxManager()).wrapWithSandbox(
        prelude + command,
        undefined,
        {
          filesystem: {
            denyRead: this.#policy.hidden,
            allowRead: [options.cwd, scratch],
            allowWrite: [options.cwd, scratch],
            // Host-side git reads .git/config: a command that could write it could make git run code outside.
            denyWrite: [join(options.cwd, ".git"), ...SHARED_WRITABLE],
          },
        },
        options.signal,
      );
      const result = await runCommand(wrapped, { ...options, env: { ...options.env, HOME: scratch, TMPDIR: scratch } });
      return { ...result, command };
    });
  }

  /** Stops the sandbox's proxies (shutdown). */
  static async stop(): Promise<void> {
    if (!library) return;
    await (await library).reset().catch(() => {});
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
