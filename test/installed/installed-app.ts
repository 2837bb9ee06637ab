import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "../helpers/free-port.ts";

/**
 * The app as an operator installs it: a fresh clone of this repository in a long path under the
 * user's home, `npm ci`, and `npm start` from that directory with the `.env` the setup flow writes —
 * default paths, the real sandbox and the system's Chromium. Nothing is injected in-process.
 */
export class InstalledApp {
  readonly directory: string;
  readonly #root: string;
  readonly #log: string;
  #child: ChildProcess | undefined;
  #logStart = 0;
  url = "";

  private constructor(root: string, directory: string) {
    this.#root = root;
    this.directory = directory;
    this.#log = join(root, "app.log");
  }

  /** Clones the committed project (HEAD) and installs it as the README says. */
  static async install(): Promise<InstalledApp> {
    const base = join(homedir(), ".cache", "missions-installed-test");
    mkdirSync(base, { recursive: true });
    const root = mkdtempSync(join(base, "run-"));
    const directory = join(root, "Documents", "Projects", "self-hosted-github-apps", "engineering-automation", "missions");
    mkdirSync(join(directory, ".."), { recursive: true });
    execFileSync("git", ["clone", "--quiet", "--no-hardlinks", process.cwd(), directory], { stdio: "pipe" });
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: directory, env: operatorEnvironment(), stdio: "pipe", timeout: 600_000 });
    return new InstalledApp(root, directory);
  }

  /** Writes `.env` as Probot's setup flow does: KEY=value lines, the key quoted with `\n` escapes. */
  writeEnv(values: Record<string, string>): void {
    const line = ([key, value]: [string, string]) => `${key}=${value.replace(/\n/g, "\\n")}`;
    writeFileSync(join(this.directory, ".env"), Object.entries(values).map(line).join("\n"));
  }

  removeEnv(): void {
    rmSync(join(this.directory, ".env"), { force: true });
  }

  /**
   * `npm start` in the clone, as a person types it. The port is the one thing given outside `.env`
   * when `.env` does not name one (a test never assumes 3000 is free).
   */
  async start(port?: number, extra: Record<string, string> = {}): Promise<void> {
    const env = { ...operatorEnvironment(), ...extra };
    if (port) env.PORT = String(port);
    this.#logStart = 0;
    this.#logStart = this.log().length;
    const log = openSync(this.#log, "a");
    this.#child = spawn("npm", ["start"], { cwd: this.directory, env, stdio: ["ignore", log, log], detached: true });
    closeSync(log);
    const deadline = Date.now() + 90_000;
    const envFile = join(this.directory, ".env");
    const envPort = existsSync(envFile) ? /^PORT=(\d+)$/m.exec(readFileSync(envFile, "utf8"))?.[1] : undefined;
    this.url = `http://localhost:${port ?? envPort ?? 3000}`;
    for (;;) {
      const child = this.#child;
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${this.log().slice(-3000)}`);
      if (await fetch(`${this.url}/health`).then((response) => response.status < 500 || response.status === 503, () => false)) return;
      if (Date.now() > deadline) throw new Error(`npm start did not answer within 90 s:\n${this.log().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** What the app printed since it was last started. */
  log(): string {
    try {
      return readFileSync(this.#log, "utf8").slice(this.#logStart);
    } catch {
      return "";
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid!, "SIGTERM");
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 20_000);
    await exited;
    clearTimeout(timer);
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // the group is gone
    }
  }

  remove(): void {
    rmSync(this.#root, { recursive: true, force: true });
  }
}

/** A person's shell: the system's PATH (not this project's node_modules/.bin) and their home. */
export function operatorEnvironment(): Record<string, string> {
  const path = (process.env.PATH ?? "").split(delimiter).filter((entry) => !entry.startsWith(process.cwd())).join(delimiter);
  return { PATH: path, HOME: homedir(), LANG: "C.UTF-8" };
}

export { freePort };
