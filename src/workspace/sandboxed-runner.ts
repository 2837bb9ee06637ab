import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SandboxManager as SandboxManagerType } from "@anthropic-ai/sandbox-runtime";
import type { CommandRunner } from "./command-runner.ts";
import { shellQuote, withScratch } from "./command-scratch.ts";
import { runCommand, type CommandResult, type RunOptions } from "./run-command.ts";
import { sandboxHint } from "./sandbox-hint.ts";
import { bubblewrapTooWeak, explainStartFailure, missingTools, type SandboxFailure } from "./sandbox-failure.ts";

export interface SandboxPolicy {
  /** Hosts commands may reach (HTTP, HTTPS and other TCP through the sandbox's proxies). */
  allowedDomains: string[];
  /** Paths no command may read: the app's directory, secrets and store, every mission's checkout but its own. */
  hidden: string[];
  /** Paths inside hidden ones that commands may read: nothing secret (the app's own Node, the operator's CA bundle). */
  readable?: string[];
  /** Where each command's private HOME and TMPDIR are made: short (browsers' socket paths are limited), and hidden. */
  scratchRoot: string;
  /** Variables every command gets besides its own: the operator's CA bundle and registry mirrors. */
  environment?: Record<string, string>;
}

/** The sandbox library, loaded when the first command runs: an app that runs none does not carry it. */
let library: Promise<typeof SandboxManagerType> | undefined;
function sandboxManager(): Promise<typeof SandboxManagerType> {
  library ??= import("@anthropic-ai/sandbox-runtime").then((module) => module.SandboxManager);
  return library;
}

/** Writable by default in the sandbox library (its own scratch, the app user's tool caches): shared between commands, so denied. */
const SHARED_WRITABLE = ["/tmp/claude"];
/**
 * Where other programs keep their Unix sockets (a Docker daemon, an SSH agent, D-Bus, tmux, X). Commands
 * may use Unix sockets — browsers and test runners need them — so these are hidden: each command sees
 * an empty, private /tmp of its own instead of the host's.
 */
export const SOCKET_DIRECTORIES = ["/tmp", "/var/tmp", "/run", "/var/run"];
/** Processes one command may run at once: enough for any build, too few for a fork bomb to starve the host. */
const MAX_PROCESSES = 4096;

/**
 * The sandbox cannot start on this host. The message gives the cause and the advice for that cause
 * (no host paths: it is posted on the issue); `detail` has the raw problem for the log. A host fault:
 * no retry and no repair of the code can help, so the mission pauses before anything is committed.
 */
export class SandboxUnavailableError extends Error {
  override name = "SandboxUnavailableError";
  readonly isRetryable = false;
  readonly hostFault = true;
  readonly detail: string;
  constructor(failure: SandboxFailure) {
    super(`The sandbox for repository commands could not start: ${failure.cause}. ${failure.advice}`);
    this.detail = failure.detail;
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

  get scratchRoot(): string {
    return this.#policy.scratchRoot;
  }

  /** What every confined process must not read or write: the app under test's sandbox uses it too. */
  /**
   * What a confined process working in `own` must not read or write — the hidden paths, and the host's
   * sockets outside them (looked up now) — and what it may read besides `own`. Every command gets it;
   * the app under test's sandbox uses it too.
   */
  async confinement(own: string[]): Promise<{ hidden: string[]; readable: string[]; denyWrite: string[] }> {
    return {
      hidden: [...this.#hidden, ...(await hostSockets([...this.#hidden, ...own]))],
      readable: [...(this.#policy.readable ?? [])],
      denyWrite: [...SHARED_WRITABLE],
    };
  }

  get #hidden(): string[] {
    return [...new Set([...this.#policy.hidden, ...SOCKET_DIRECTORIES])];
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
    if (!SandboxManager.isSupportedPlatform()) throw new SandboxUnavailableError(explainStartFailure(`${process.platform} is not supported`));
    const check = SandboxManager.checkDependencies();
    if (check.errors.length > 0) throw new SandboxUnavailableError(missingTools(check.errors));
    // Unix sockets are allowed, so the library's seccomp helper (which refuses them, and also user
    // namespaces) is not used: bubblewrap must refuse user namespaces itself, or a command could make
    // one and undo the read-only mounts.
    const weakness = bubblewrapWeakness();
    if (weakness) throw new SandboxUnavailableError(bubblewrapTooWeak(weakness));
    try {
      await SandboxManager.initialize({
        network: { allowedDomains: this.#policy.allowedDomains, deniedDomains: [], allowAllUnixSockets: true },
        filesystem: { denyRead: this.#hidden, allowWrite: [], denyWrite: SHARED_WRITABLE },
      });
    } catch (error) {
      throw new SandboxUnavailableError(explainStartFailure((error as Error).message));
    }
    // Dependencies can be present and the sandbox still refused (an unprivileged container): try it.
    const probe = await this.#run("true", { cwd: this.#policy.scratchRoot, timeoutMs: 30_000, env: { PATH: "/usr/local/bin:/usr/bin:/bin" } });
    if (probe.exitCode !== 0) throw new SandboxUnavailableError(explainStartFailure(probe.output || `exit ${probe.exitCode}`));
  }

  async run(command: string, options: RunOptions): Promise<CommandResult> {
    await this.ready();
    return this.#run(command, options);
  }

  #run(command: string, options: RunOptions): Promise<CommandResult> {
    return withScratch(this.#policy.scratchRoot, async (scratch) => {
      const wrapped = await this.#wrap(command, { cwd: options.cwd, scratch, env: options.env, signal: options.signal });
      const result = await runCommand(wrapped.command, { ...options, env: wrapped.env });
      const hint = result.exitCode !== 0 ? sandboxHint(result.output, this.#policy.allowedDomains) : undefined;
      return { ...result, command, output: hint ? `${result.output.trimEnd()}\n${hint}\n` : result.output };
    });
  }

  /**
   * A process that outlives one call (an operator's MCP server), confined as every command is: the
   * shell command to spawn with `bash -c` and its environment. It works in `cwd` with `scratch` (the
   * caller's, removed by the caller) as HOME and TMPDIR; `readable` are paths it alone may read
   * besides (the server's own files); with `readOnly` it writes its scratch alone. The caller spawns it and ends it.
   */
  async wrapLongLived(command: string, options: { cwd: string; scratch: string; env: Record<string, string>; readable?: string[]; readOnly?: boolean }): Promise<{ command: string; env: Record<string, string> }> {
    await this.ready();
    return this.#wrap(command, options);
  }

  /** `readOnly`: the process may write its scratch alone, and only read `cwd` and `readable`. */
  async #wrap(command: string, options: { cwd: string; scratch: string; env: Record<string, string>; readable?: string[]; readOnly?: boolean; signal?: AbortSignal }): Promise<{ command: string; env: Record<string, string> }> {
    const { scratch } = options;
    // The library sets its own TMPDIR inside the sandbox; the command's own comes last and wins.
    const prelude = `export HOME=${shellQuote(scratch)} TMPDIR=${shellQuote(scratch)}; ulimit -u ${MAX_PROCESSES} 2>/dev/null; `;
    const own = [options.cwd, scratch];
    const writable = options.readOnly ? [scratch] : own;
    const confinement = await this.confinement(own);
    try {
      const wrapped = await (await sandboxManager()).wrapWithSandbox(
        prelude + command,
        undefined,
        {
          filesystem: {
            denyRead: confinement.hidden,
            allowRead: [...own, ...confinement.readable, ...(options.readable ?? [])],
            allowWrite: writable,
            // Host-side git reads .git/config: a command that could write it could make git run code outside.
            denyWrite: [join(options.cwd, ".git"), ...confinement.denyWrite],
          },
        },
        options.signal,
      );
      return { command: wrapped, env: { ...options.env, ...COMMAND_ENVIRONMENT, ...this.#policy.environment, HOME: scratch, TMPDIR: scratch } };
    } catch (error) {
      // The sandbox broke after it started (its proxies died): a host fault, and the next command starts it again.
      this.#ready = undefined;
      throw new SandboxUnavailableError(explainStartFailure((error as Error).message));
    }
  }

  /** Stops the sandbox's proxies (shutdown). */
  static async stop(): Promise<void> {
    if (!library) return;
    await (await library).reset().catch(() => {});
  }
}

/** Node's own fetch ignores HTTP(S)_PROXY unless told: without this it could reach no allowed host. */
const COMMAND_ENVIRONMENT = { NODE_USE_ENV_PROXY: "1" };

/**
 * The host's bound Unix sockets outside the hidden directories — a database's, a container daemon's
 * under /var/lib — as the kernel lists them in /proc/net/unix: confined processes may use Unix
 * sockets, so the host's own must be out of their sight.
 * Sockets of other network namespaces are not listed; their directories belong in MISSIONS_HIDDEN_PATHS.
 */
async function hostSockets(covered: string[]): Promise<string[]> {
  const table = await readFile("/proc/net/unix", "utf8").catch(() => "");
  const paths = new Set<string>();
  for (const line of table.split("\n").slice(1)) {
    const path = line.trim().split(/\s+/).slice(7).join(" ");
    if (!path.startsWith("/")) continue; // abstract sockets live in the network namespace, which commands do not share
    if (covered.some((root) => path === root || path.startsWith(root.endsWith("/") ? root : `${root}/`))) continue;
    paths.add(path);
  }
  return [...paths];
}

/** Why this host's bubblewrap cannot refuse user namespaces (older than 0.8.0, or setuid), if it cannot. */
function bubblewrapWeakness(): string | undefined {
  // The same bwrap the library finds: the first on the app's PATH.
  if (spawnSync("sh", ["-c", 'p=$(command -v bwrap) && [ -u "$p" ]']).status === 0) return "bwrap is setuid";
  const help = spawnSync("bwrap", ["--help"], { encoding: "utf8", timeout: 5_000 });
  if (help.error) return undefined; // reported as missing by the dependency check
  return `${help.stdout ?? ""}${help.stderr ?? ""}`.includes("--disable-userns") ? undefined : "bwrap --help lists no --disable-userns";
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
