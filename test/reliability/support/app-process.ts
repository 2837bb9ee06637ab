import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort } from "../../helpers/free-port.ts";

/** The app's real entry point, as `npm start` runs it. */
export const MAIN_ENTRY = fileURLToPath(new URL("../../../src/main.ts", import.meta.url));
/** The same composition root with test timings (no write pacing, short retry delays): see app-entry.ts. */
export const FAST_ENTRY = fileURLToPath(new URL("./app-entry.ts", import.meta.url));

/** What an instance needs to reach the fake GitHub as the app registered there. */
export interface GitHubForApp {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  host: string;
}

/**
 * The operator's environment shared by every reliability run: production mode, JSON logs, the app's
 * credentials for the fake GitHub, its store and workspaces. Each run adds its own model settings.
 */
export function operatorEnv(github: GitHubForApp, place: { home: string; databaseUrl: string; workspaces: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: place.home,
    NODE_ENV: "production",
    LOG_FORMAT: "json",
    APP_ID: String(github.appId),
    PRIVATE_KEY: github.privateKey,
    WEBHOOK_SECRET: github.webhookSecret,
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    DATABASE_URL: place.databaseUrl,
    MISSIONS_WORKSPACES: place.workspaces,
    ...extra,
  };
}

export interface AppProcessOptions {
  entry: string;
  /** The operator's environment (PORT is chosen per start). */
  env: Record<string, string>;
  /** Working directory: where `.env` would be read from; the sandbox hides it. */
  cwd: string;
  /** Every start appends its stdout and stderr here, so the log survives kills. */
  logFile: string;
  /** Called with the webhook URL each time the app is up (point the fake GitHub at it). */
  onUp?: (webhookUrl: string) => void;
}

/**
 * The app as an operator runs it: a separate Node process with its own process group, started,
 * SIGKILLed (the whole group, as a container runtime would) and started again on the same store.
 */
export class AppProcess {
  readonly #options: AppProcessOptions;
  #child: ChildProcess | undefined;
  #exit: Promise<void> | undefined;
  #killing: Promise<void> | undefined;
  url = "";
  starts = 0;

  constructor(options: AppProcessOptions) {
    this.#options = options;
  }

  /** The app's process id (for its memory, in /proc). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null && !this.#killing;
  }

  /** Resolves when the current process has exited (at once when none runs). */
  get exited(): Promise<void> {
    return this.#exit ?? Promise.resolve();
  }

  async start(): Promise<void> {
    const port = await freePort();
    const log = openSync(this.#options.logFile, "a");
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", this.#options.entry], {
      cwd: this.#options.cwd,
      env: { ...this.#options.env, PORT: String(port), HOST: "127.0.0.1" },
      stdio: ["ignore", log, log],
      detached: true,
    });
    closeSync(log);
    this.#child = child;
    this.#killing = undefined;
    this.#exit = new Promise((resolve) => child.once("exit", () => resolve()));
    this.starts++;
    this.url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      // Killed on purpose while starting (a chaos kill landing during boot): not a failure to start.
      if (this.#killing) return;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the app exited while starting (code ${child.exitCode}, signal ${child.signalCode}); see ${this.#options.logFile}`);
      const healthy = await fetch(`${this.url}/health`).then((response) => response.ok, () => false);
      if (healthy) break;
      if (Date.now() > deadline) throw new Error(`the app did not answer /health within 60 s; see ${this.#options.logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    this.#options.onUp?.(`${this.url}/api/github/webhooks`);
  }

  /** kill -9 of the app's whole process group; resolves when the app is gone. Idempotent while dying. */
  kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    this.#killing ??= (async () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
      await this.#exit;
    })();
    return this.#killing;
  }

  /** A graceful stop (SIGTERM, as a deploy does). */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timeout = setTimeout(() => void this.kill(), 30_000);
    await this.#exit;
    clearTimeout(timeout);
    // Whatever the app left running in its group (sandbox proxies) goes with it.
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // the group is already gone
    }
  }
}
