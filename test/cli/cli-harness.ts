import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeModels, type FakeModels } from "../fakes/models/index.ts";

export const ANTHROPIC_KEY = "sk-ant-cli-test-key-0123456789";
/** The brief every CLI test starts from, as BRIEF.md (left untracked) in the fixture repository. */
export const GREETING_BRIEF = "# Add greetings\n\nPlease add a greeting and a farewell file.\n";
/** The `missions` command of this clone. */
export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../../bin/missions.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliHarness {
  models: FakeModels;
  /** The fixture repository (a real git repository with one commit on main). */
  repo: string;
  env: Record<string, string>;
  /** Runs `missions …` as a child process in the repository; `whileRunning` may signal it. */
  run(
    args: string[],
    options?: {
      env?: Record<string, string | undefined>;
      /** Where to run it (default: the repository). */
      cwd?: string;
      /** `kill` signals the process; `killGroup` its whole process group, as a terminal's Ctrl-C does. */
      whileRunning?: (child: { pid: number; kill: (signal: NodeJS.Signals) => void; killGroup: (signal: NodeJS.Signals) => void }) => void;
    },
  ): Promise<CliResult>;
  git(...args: string[]): string;
  /** The ids of the missions under `.missions/`. */
  missionIds(): string[];
  close(): Promise<void>;
}

/** A real git repository with `files` committed on main, in a fresh folder under `root`. */
export function createFixtureRepo(root: string, files: Record<string, string>): { repo: string; git: (...args: string[]) => string } {
  const repo = join(root, "repo");
  mkdirSync(repo, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Alice", "-c", "user.email=alice@example.com", ...args], { cwd: repo, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" } });
  git("init", "--quiet", "--initial-branch", "main");
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  git("add", "--all");
  git("commit", "--quiet", "-m", "Initial commit");
  return { repo, git };
}

/** `bin`: the `missions` command to run (default: this clone's). */
export async function startCliHarness(files: Record<string, string>, options: { bin?: string } = {}): Promise<CliHarness> {
  const bin = options.bin ?? BIN;
  const models = await startFakeModels({ apiKeys: { anthropic: ANTHROPIC_KEY } });
  const root = mkdtempSync(join(tmpdir(), "missions-cli-"));
  const home = join(root, "home");
  mkdirSync(home, { recursive: true });
  const { repo, git } = createFixtureRepo(root, files);
  writeFileSync(join(repo, "BRIEF.md"), GREETING_BRIEF);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    ANTHROPIC_BASE_URL: models.anthropicBaseUrl,
    MISSIONS_MODEL: "anthropic/claude-sonnet-5-5",
    MISSIONS_COMMAND_TIMEOUT_SECONDS: "60",
  };
  return {
    models,
    repo,
    env,
    git,
    missionIds: () => (existsSync(join(repo, ".missions")) ? readdirSync(join(repo, ".missions")).filter((name) => /^[0-9a-f]{12}$/.test(name)) : []),
    run(args, options = {}) {
      return new Promise((done, fail) => {
        // Its own process group: a signal to the group reaches the CLI and every command it started.
        const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd ?? repo, env: withoutUnset({ ...env, ...options.env }), stdio: ["ignore", "pipe", "pipe"], detached: true });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", fail);
        child.on("close", (code, signal) => done({ code, signal, stdout, stderr }));
        options.whileRunning?.({ pid: child.pid!, kill: (signal) => child.kill(signal), killGroup: (signal) => process.kill(-child.pid!, signal) });
      });
    },
    async close() {
      await models.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** An environment without the variables set to `undefined` (unset for the child, not empty). */
function withoutUnset(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
