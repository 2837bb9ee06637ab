import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { userInfo } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { Command, InvalidArgumentError } from "commander";
import { readOperatorConfig, type OperatorConfig } from "../config/index.ts";
import { createRedactor } from "../github/index.ts";
import { ACTIVE_STATUSES, missionProgress, type Mission } from "../mission/index.ts";
import { operatorSecrets } from "../server.ts";
import { PostgresMissionStore, SqliteMissionStore, StoreLockedError, type MissionStore } from "../store/index.ts";
import { EXIT } from "./exit-codes.ts";
import { isLocalMission, isLocalMissionOf } from "../mission/local-mission.ts";
import { BadInputError, LocalMissions, missionsDirectoryOf, storeIsTheRepositorys } from "./local-missions.ts";
import { readBrief } from "./read-brief.ts";
import { TerminalOutput } from "./terminal-output.ts";
import { UsageProblem, withLocalMissions, type LocalSetup as Setup, type RunFlags } from "./with-local-missions.ts";

/** The app's own folder: hidden from sandboxed commands like the app's directory is. */
const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

const budget = (value: string): number => {
  const usd = Number(value.replace(/^\$/, ""));
  if (!Number.isFinite(usd) || usd <= 0) throw new InvalidArgumentError("expected a positive number of US dollars, e.g. 5");
  return usd;
};

const program = new Command()
  .name("missions")
  .description("Run a Missions mission on the local repository: the same engine, roles, sandbox and validators as the GitHub App, with the terminal and files under .missions/ in place of GitHub.")
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT.badInput));

const withRunFlags = (command: Command) =>
  command
    .option("-y, --yes", "approve the contract without asking (CI)")
    .option("--json", "one JSON object per line on stdout (events: planned, contract, feature-committed, validation, spend, finished)")
    .option("--budget <usd>", "the mission's budget in US dollars (default: .github/missions.yml, else MISSIONS_BUDGET_USD)", budget)
    .option("--answers <file>", "answers to the orchestrator's questions, read from a file")
    .addHelpText("after", "\nExit codes: 0 every assertion passed · 1 failed or blocked · 2 bad input · 3 needs answers or approval · 130 stopped by Ctrl-C, 143 by SIGTERM (missions resume continues)");

withRunFlags(program.command("run").argument("<brief>", "a Markdown file: the title is its first heading, the rest says what to build"))
  .description("start a mission from a brief on the repository in the current folder")
  .action((brief: string, flags: RunFlags) => exitWith(run(brief, flags)));

withRunFlags(program.command("resume").argument("[id]", "the mission (default: the latest unfinished one)"))
  .option("--guidance <text>", "what the workers need to know, for a paused or blocked mission (as `/mission resume <guidance>` on GitHub)")
  .description("continue a mission stopped by Ctrl-C, a crash, questions, approval, its budget or a blocked worker")
  .action((id: string | undefined, flags: RunFlags & { guidance?: string }) => exitWith(resume(id, flags)));

program
  .command("status")
  .argument("[id]", "the mission (default: the latest)")
  .option("--json", "as one JSON object")
  .description("show where a mission stands")
  .action((id: string | undefined, flags: { json?: boolean }) => exitWith(status(id, flags)));

program
  .command("list")
  .option("--json", "one JSON object per mission and line")
  .description("list this repository's missions")
  .action((flags: { json?: boolean }) => exitWith(list(flags)));

program
  .command("abort")
  .argument("<id>", "the mission")
  .option("--json", "as one JSON object")
  .description("end a mission (its branch and files stay)")
  .action((id: string, flags: { json?: boolean }) => exitWith(abort(id, flags)));

await program.parseAsync(process.argv);

async function run(briefPath: string, flags: RunFlags): Promise<number> {
  const setup = prepare(flags, { models: true });
  checkAnswersFile(flags.answers);
  const file = resolve(briefPath);
  if (!existsSync(file)) throw new UsageProblem(`No brief at ${briefPath}: give a Markdown file that says what to build (see examples/ in the Missions repository).`);
  if (!statSync(file).isFile()) throw new UsageProblem(`${briefPath} is not a file: give a Markdown file that says what to build (see examples/ in the Missions repository).`);
  const text = readFileSync(file, "utf8");
  if (!text.trim()) throw new UsageProblem(`${briefPath} is empty: write in it what to build (a title as its first heading, then the details).`);
  const brief = readBrief(text, basename(file));
  const baseBranch = git(setup.root, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  if (!baseBranch) throw new UsageProblem("The repository is not on a branch (detached HEAD): check out the branch the mission should start from.");
  if (!git(setup.root, ["rev-parse", "--verify", "--quiet", "HEAD"])) throw new UsageProblem("The repository has no commit yet: commit something first; the mission starts from the branch's last commit.");
  return withLocalMissions(setup, flags, async (local, output) => {
    const mission = await local.start(brief, { budgetUsd: flags.budget, createdBy: setup.author, baseBranch });
    output.emit({ event: "started", missionId: mission.id, title: mission.issue.title, base: baseBranch, budgetUsd: mission.settings.budgetUsd }, `Mission ${mission.id} · "${mission.issue.title}" on ${baseBranch} · budget $${mission.settings.budgetUsd} · files in .missions/${mission.id}/`);
    return mission.id;
  });
}

async function resume(id: string | undefined, flags: RunFlags & { guidance?: string }): Promise<number> {
  const setup = prepare(flags, { models: true });
  checkAnswersFile(flags.answers);
  const guidance = flags.guidance?.trim() ?? "";
  if (flags.guidance !== undefined && !guidance) throw new UsageProblem("--guidance is empty: write what the workers need to know, e.g. --guidance \"the tests need no network\".");
  if (flags.budget !== undefined && flags.budget > setup.config.budget.maxUsd) {
    throw new UsageProblem(`--budget ${flags.budget} is above the maximum of $${setup.config.budget.maxUsd}: give at most ${setup.config.budget.maxUsd}, or raise MISSIONS_BUDGET_MAX_USD to allow it.`);
  }
  return withLocalMissions(setup, flags, async (local, output) => {
    const mission = id ? await local.store.getMission(id) : await latest(local, setup);
    if (!mission || !isLocal(mission, setup.root, setup.config)) throw new UsageProblem(id ? `No mission ${id} in this repository (missions list shows them).` : "No unfinished mission in this repository.");
    const resumable = mission.status === "paused" || mission.status === "blocked";
    if (guidance && !resumable) throw new UsageProblem(`Mission ${mission.id} is ${mission.status}: --guidance is for a paused or blocked mission. Continue with: missions resume ${mission.id}`);
    // A new budget is what a mission paused for money waits for: it continues on that alone, and a
    // resume after it would find nothing to resume. Guidance goes first then, with the resume.
    const budgetResumes = flags.budget !== undefined && mission.status === "paused" && mission.pauseCause === "budget";
    if (resumable && (!budgetResumes || guidance)) await local.intend(mission.id, "resume", guidance, setup.author);
    if (flags.budget !== undefined) await local.intend(mission.id, "budget", String(flags.budget), setup.author);
    output.emit({ event: "resumed", missionId: mission.id, status: mission.status }, `Resuming mission ${mission.id} · "${mission.issue.title}" (${mission.status})`);
    return mission.id;
  }, "resume");
}

async function status(id: string | undefined, flags: { json?: boolean }): Promise<number> {
  const setup = prepare(flags);
  const store = await openReadStore(setup.config);
  try {
    const missions = (await store.listMissions()).filter((mission) => isLocal(mission, setup.root, setup.config));
    const mission = id ? missions.find((candidate) => candidate.id === id) : missions.sort(byCreation).at(-1);
    if (!mission) throw new UsageProblem(id ? `No mission ${id} in this repository.` : "No mission in this repository yet: missions run BRIEF.md starts one.");
    const totals = await store.usageTotals(mission.id);
    const row = describe(mission, totals.usd);
    print(setup, flags, row, `${row.id} · #${row.number} ${row.title}\n  status: ${row.status}${row.reason ? ` (${row.reason})` : ""}\n  features: ${row.featuresDone}/${row.featuresTotal} · assertions passed: ${row.assertionsPassed}/${row.assertionsTotal}\n  spent: $${row.spentUsd.toFixed(2)} of $${row.budgetUsd ?? "?"}\n  branch: ${row.branch ?? "(not yet)"}\n  files: .missions/${row.id}/`);
    return EXIT.passed;
  } finally {
    await store.close();
  }
}

async function list(flags: { json?: boolean }): Promise<number> {
  const setup = prepare(flags);
  const store = await openReadStore(setup.config);
  try {
    const missions = (await store.listMissions()).filter((mission) => isLocal(mission, setup.root, setup.config)).sort(byCreation);
    if (missions.length === 0 && !flags.json) setup.output.say("No missions in this repository yet: missions run BRIEF.md starts one.");
    for (const mission of missions) {
      const row = describe(mission, (await store.usageTotals(mission.id)).usd);
      print(setup, flags, row, `${row.id}  ${row.status.padEnd(17)} ${row.featuresDone}/${row.featuresTotal} features  $${row.spentUsd.toFixed(2)}  ${row.title}`);
    }
    return EXIT.passed;
  } finally {
    await store.close();
  }
}

async function abort(id: string, flags: { json?: boolean }): Promise<number> {
  const setup = prepare(flags);
  return withLocalMissions(setup, { json: flags.json }, async (local) => {
    const mission = await local.store.getMission(id);
    if (!mission || !isLocal(mission, setup.root, setup.config)) throw new UsageProblem(`No mission ${id} in this repository (missions list shows them).`);
    await local.intend(mission.id, "abort", "", setup.author);
    return mission.id;
  }, "abort");
}

/**
 * Missions' variables from the repository's `.env`: provider keys and base URLs (`ANTHROPIC_*`,
 * `OPENAI_*`) and `MISSIONS_*`. The rest of the file is the project's own (its DATABASE_URL, its
 * secrets) and stays out of Missions' environment. The real environment wins, as for the app.
 */
function loadMissionsVariables(envFile: string): void {
  if (!existsSync(envFile) || !statSync(envFile).isFile()) return;
  let values: Record<string, string>;
  try {
    values = parseEnv(readFileSync(envFile, "utf8")) as Record<string, string>;
  } catch (error) {
    throw new UsageProblem(`${envFile} cannot be read: ${(error as Error).message}`);
  }
  for (const [key, value] of Object.entries(values)) {
    if (/^(MISSIONS_|ANTHROPIC_|OPENAI_)/.test(key) && process.env[key] === undefined) process.env[key] = value;
  }
}

/** `--answers FILE` is read when the orchestrator asks: a file that is not there, or says nothing, is bad input now, not then. */
function checkAnswersFile(path: string | undefined): void {
  if (path === undefined) return;
  let text: string;
  try {
    if (!statSync(path).isFile()) throw new UsageProblem(`--answers ${path} is not a file: give a file with your answers to the orchestrator's questions.`);
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof UsageProblem) throw error;
    throw new UsageProblem(`--answers ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give a file with your answers to the orchestrator's questions.`);
  }
  if (!text.trim()) throw new UsageProblem(`--answers ${path} is empty: write your answers to the orchestrator's questions in it.`);
}

/**
 * The repository, its `.env` and the configuration, as the app reads them: any problem is bad input.
 * `models`: the command calls models (run, resume), so their keys must be there.
 */
function prepare(flags: { json?: boolean }, options: { models?: boolean } = {}): Setup {
  const root = git(process.cwd(), ["rev-parse", "--show-toplevel"]);
  if (!root) throw new UsageProblem("Not inside a git repository: run missions from the repository the mission should work on.");
  const envFile = resolve(root, process.env.MISSIONS_ENV_FILE || ".env");
  loadMissionsVariables(envFile);
  const missionsDirectory = missionsDirectoryOf(root);
  let config: OperatorConfig;
  try {
    config = readOperatorConfig(
      {
        ...process.env,
        // The project's own DATABASE_URL (its app's database) is not Missions' store: MISSIONS_DATABASE_URL is.
        DATABASE_URL: process.env.MISSIONS_DATABASE_URL || `sqlite:${join(missionsDirectory, "missions.db")}`,
        MISSIONS_WORKSPACES: process.env.MISSIONS_WORKSPACES || join(missionsDirectory, "workspaces"),
        // Local missions talk to no GitHub App: its variables mean nothing here.
        APP_ID: undefined,
        LOG_FORMAT: "json",
      },
      { appDirectory: PACKAGE_ROOT, envFile },
    );
  } catch (error) {
    // The store's address is MISSIONS_DATABASE_URL here (the project's own DATABASE_URL is left alone): the message names it.
    const message = (error as Error).message;
    throw new UsageProblem(process.env.MISSIONS_DATABASE_URL ? message.replace(/\bDATABASE_URL\b/g, "MISSIONS_DATABASE_URL") : message);
  }
  const output = new TerminalOutput({ json: !!flags.json, redact: createRedactor(operatorSecrets(config)), interactive: !!process.stdout.isTTY });
  if (options.models && config.modelProblems.length > 0) {
    throw new UsageProblem(`Missions cannot call its models:\n- ${config.modelProblems.map((problem) => problem.message).join("\n- ")}\nSet ${[...new Set(config.modelProblems.flatMap((problem) => problem.variables))].join(" or ")} in the environment or in ${envFile}.`);
  }
  ignoreMissionsFolder(root);
  // The person's own work tree holds what is not in git — `.env.local`, keys, notes: sandboxed commands
  // see the mission's clone of the repository, never the work tree around it.
  config = { ...config, secretPaths: [...config.secretPaths, resolve(root)] };
  // With a PostgreSQL MISSIONS_DATABASE_URL the store is there; the scratch folder the sandbox uses stays under .missions/.
  if (config.databaseUrl) config = { ...config, databasePath: join(missionsDirectory, "missions.db") };
  mkdirSync(dirname(resolve(config.databasePath)), { recursive: true });
  return { root, config, author: userInfo().username || "you", output, interactive: !!process.stdin.isTTY && !!process.stdout.isTTY };
}

async function exitWith(work: Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await work;
  } catch (error) {
    const message =
      error instanceof UsageProblem || error instanceof BadInputError
        ? error.message
        : `Missions stopped on an unexpected error: ${(error as Error).stack ?? String(error)}\nThe log is in .missions/missions.log; missions resume continues the mission where it stopped.`;
    process.stderr.write(`${redactAll(message)}\n`);
    code = error instanceof UsageProblem || error instanceof BadInputError ? EXIT.badInput : EXIT.failed;
  }
  process.exit(code);
}

/** For messages written before (or without) a configuration: every provider key the environment holds is redacted. */
function redactAll(text: string): string {
  const secrets = Object.entries(process.env)
    .filter(([key, value]) => value && /(_API_KEY|_TOKEN|SECRET|PRIVATE_KEY)$/.test(key))
    .map(([, value]) => value!);
  return createRedactor(secrets)(text);
}

/** The store, to read beside a running mission: PostgreSQL, or the SQLite file read-only without its lock (the running process has it). */
async function openReadStore(config: OperatorConfig): Promise<MissionStore> {
  try {
    if (config.databaseUrl) return await PostgresMissionStore.open(config.databaseUrl);
    return existsSync(config.databasePath) ? new SqliteMissionStore(config.databasePath, { readOnly: true }) : new SqliteMissionStore(config.databasePath);
  } catch (error) {
    if (error instanceof StoreLockedError) throw new UsageProblem("A mission is running in this repository (another missions process holds the store): see .missions/<id>/status.md for where it stands.");
    throw error;
  }
}

/** The latest unfinished mission of this repository. */
async function latest(local: LocalMissions, setup: Setup): Promise<Mission | undefined> {
  const missions = (await local.store.listMissions({ active: true })).filter((mission) => isLocal(mission, setup.root, setup.config));
  return missions.sort(byCreation).at(-1);
}

/**
 * A local mission of this repository. A store named by MISSIONS_DATABASE_URL (PostgreSQL, or a SQLite
 * file elsewhere) may hold other repositories' missions, and the app's: by the repository's path. The SQLite store lives in the repository's `.missions/` and
 * moves with it: every local mission in it is this repository's, also after a move or a rename.
 */
function isLocal(mission: Mission, root: string, config: OperatorConfig): boolean {
  return storeIsTheRepositorys(config, missionsDirectoryOf(root)) ? isLocalMission(mission) : isLocalMissionOf(mission, root, basename(root));
}

function byCreation(a: Mission, b: Mission): number {
  return a.createdAt.localeCompare(b.createdAt) || a.issue.number - b.issue.number;
}

function describe(mission: Mission, spentUsd: number) {
  const progress = missionProgress(mission);
  return {
    id: mission.id,
    number: mission.issue.number,
    title: mission.issue.title,
    status: mission.status,
    active: (ACTIVE_STATUSES as readonly string[]).includes(mission.status),
    reason: mission.reason,
    branch: mission.branch,
    ...progress,
    budgetUsd: mission.settings.budgetUsd,
    spentUsd,
  };
}

/** What the store holds (titles from briefs, reasons in workers' words), through the redactor as everything else the CLI writes. */
function print(setup: Setup, flags: { json?: boolean }, row: object, human: string): void {
  const redact = createRedactor(operatorSecrets(setup.config));
  // JSON is redacted value by value: a secret with a quote or a backslash is escaped in the JSON text, and would not match there.
  console.log(flags.json ? JSON.stringify(row, (_key, value: unknown) => (typeof value === "string" ? redact(value) : value)) : redact(human));
}

/** `.missions/` is ignored through `.git/info/exclude`: no tracked file of the repository changes. */
function ignoreMissionsFolder(root: string): void {
  const exclude = resolve(root, git(root, ["rev-parse", "--git-path", "info/exclude"]) || ".git/info/exclude");
  const text = existsSync(exclude) ? readFileSync(exclude, "utf8") : "";
  if (text.split("\n").some((line) => line.trim() === ".missions/" || line.trim() === "/.missions/")) return;
  mkdirSync(dirname(exclude), { recursive: true });
  appendFileSync(exclude, `${text && !text.endsWith("\n") ? "\n" : ""}# Missions' local state (missions run)\n/.missions/\n`);
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}
