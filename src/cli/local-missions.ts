import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pino, type Logger } from "pino";
import { parseRepositoryConfig, REPOSITORY_CONFIG_PATH, type OperatorConfig } from "../config/index.ts";
import { Engine } from "../engine/index.ts";
import { Slots } from "../engine/slots.ts";
import { createRedactor, defuseClosingKeywords, defuseMentions, type RepoRef } from "../github/index.ts";
import { isTerminal, newMission, type Intent, type Mission } from "../mission/index.ts";
import { ModelRegistry, PriceTable } from "../models/index.ts";
import { commandSetup, loggerOptions, operatorSecrets } from "../server.ts";
import { ObservedStore, type MissionStore, type StoreChange } from "../store/index.ts";
import { GitWorkspace, removeScratchRoot, SandboxedRunner } from "../workspace/index.ts";
import { LocalGitHub, type LocalGitHubOptions } from "./local-github.ts";

import { LOCAL_OWNER, localRepositoryId } from "../mission/local-mission.ts";

export { LOCAL_OWNER };

export interface LocalMissionsOptions {
  config: OperatorConfig;
  /** The store the operator chose (`openStore`: SQLite under `.missions/`, or `MISSIONS_DATABASE_URL`); closed by `stop`. */
  store: MissionStore;
  /** The repository's top folder. */
  repositoryPath: string;
  /** `.missions/` in it. */
  missionsDirectory: string;
  /** Told of every write the store accepted (progress on the terminal). */
  onChange?: (change: StoreChange) => void;
  onComment?: LocalGitHubOptions["onComment"];
  onCheckRun?: LocalGitHubOptions["onCheckRun"];
}

/** A repository's settings that stop a mission before it starts, said plainly. */
export class BadInputError extends Error {
  override name = "BadInputError";
}

/**
 * The composition root of local mode: the same engine, store, models, sandbox and workspace as the
 * app, with the local repository and the terminal (`LocalGitHub`) in place of GitHub.
 */
export class LocalMissions {
  readonly store: MissionStore;
  readonly engine: Engine;
  readonly github: LocalGitHub;
  readonly redact: (text: string) => string;
  readonly log: Logger;
  readonly repo: RepoRef;
  readonly #config: OperatorConfig;
  readonly #missionsDirectory: string;
  readonly #scratchRoot: string;
  readonly #sandboxed: boolean;
  readonly #workspace: GitWorkspace;

  constructor(options: LocalMissionsOptions) {
    const { config } = options;
    this.#config = config;
    this.#missionsDirectory = options.missionsDirectory;
    mkdirSync(options.missionsDirectory, { recursive: true });
    this.redact = createRedactor(operatorSecrets(config));
    // Logs go to a file beside the missions, through the same redaction as the app's: the terminal shows progress.
    this.log = pino(loggerOptions(config.logLevel, this.redact), createWriteStream(join(options.missionsDirectory, "missions.log"), { flags: "a" }));
    this.repo = { owner: LOCAL_OWNER, name: basename(options.repositoryPath), installationId: localRepositoryId(options.repositoryPath) };
    this.store = new ObservedStore(options.store, (change) => options.onChange?.(change));
    // A setup that fails here leaves the store to the caller, who opened it.
    const commands = commandSetup(config);
    this.#scratchRoot = commands.runner.scratchRoot;
    this.#sandboxed = commands.runner instanceof SandboxedRunner;
    this.github = new LocalGitHub({
      repositoryPath: options.repositoryPath,
      missionsDirectory: options.missionsDirectory,
      // Where the validate step has the user tester save them: beside the mission checkouts.
      evidenceDirectory: join(config.workspaceRoot, ".evidence"),
      // As at the GitHub port: the app's own marks (on the people it addresses, on its closing
      // reference) are taken off, and model-written mentions and closing keywords stay inert.
      redact: (text) => defuseMentions(defuseClosingKeywords(this.redact(text))),
      missionIdFor: async (issue) => (await this.#ownSummaries()).filter((summary) => summary.issue === issue).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]?.id,
      onComment: options.onComment,
      onCheckRun: options.onCheckRun,
    });
    this.#workspace = new GitWorkspace(config.workspaceRoot, config.toolPath);
    const prices = new PriceTable(config.prices);
    this.engine = new Engine({
      store: this.store,
      github: this.github,
      redact: this.redact,
      models: new ModelRegistry(config.providers, config.models, { timeoutMs: config.modelTimeoutMs, pinned: new Set(config.pinnedRoles) }),
      prices,
      workspace: this.#workspace,
      runner: commands.runner,
      log: this.log,
      browsers: new Slots(config.browsersAtOnce),
      settings: {
        defaultBudgetUsd: config.budget.defaultUsd,
        commandTimeoutMs: config.commandTimeoutMs,
        limits: config.limits.defaults,
        toolPath: commands.toolPath,
        chromiumPath: config.chromiumPath,
        maxBudgetUsd: config.budget.maxUsd,
        retryDelayMs: 5_000,
        maxStepRetries: 5,
        // The control comment is a file here: kept current at every step.
        controlEditIntervalMs: 0,
        githubWebUrl: config.githubWebUrl,
        branchPrefix: config.branchPrefix,
        // The repository is a folder: commits are pushed into it with git.
        commits: "push",
      },
    });
  }

  /** Starts a mission from a brief, as labelling an issue does: the repository's settings, the budget, planning. */
  async start(brief: { title: string; body: string }, options: { budgetUsd?: number; createdBy: string; baseBranch: string }): Promise<Mission> {
    const config = parseRepositoryConfig(await this.github.readFile(this.repo, REPOSITORY_CONFIG_PATH, options.baseBranch), {
      providers: Object.keys(this.#config.providers),
      maxBudgetUsd: this.#config.budget.maxUsd,
      isPriced: (model) => new PriceTable(this.#config.prices).lookup(model) !== undefined,
      maxLimits: this.#config.limits.max,
      mcpServers: this.#config.mcpServers.map((server) => server.name),
    });
    if (!config.ok) throw new BadInputError(`${REPOSITORY_CONFIG_PATH} has problems:\n- ${config.problems.join("\n- ")}`);
    if (options.budgetUsd !== undefined && options.budgetUsd > this.#config.budget.maxUsd) {
      throw new BadInputError(`--budget ${options.budgetUsd} is above the maximum of $${this.#config.budget.maxUsd}: raise MISSIONS_BUDGET_MAX_USD to allow it.`);
    }
    const number = (await this.#ownSummaries()).reduce((max, summary) => Math.max(max, summary.issue), 0) + 1;
    const mission = newMission({
      id: randomBytes(6).toString("hex"),
      repo: { ...this.repo, defaultBranch: options.baseBranch },
      issue: { number, title: brief.title, body: brief.body },
      createdBy: options.createdBy,
      settings: { ...config.settings, budgetUsd: options.budgetUsd ?? config.settings.budgetUsd ?? this.#config.budget.defaultUsd },
      now: new Date().toISOString(),
    });
    const directory = this.github.missionDirectory(mission.id);
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, "brief.md"), this.redact(brief.body));
    if (!(await this.store.createMission(mission))) throw new Error("could not create the mission");
    return mission;
  }

  /**
   * This repository's missions. The SQLite store under `.missions/` is the repository's alone and
   * moves with it: every local mission in it is this repository's, also after the folder was moved
   * or renamed. A store named by MISSIONS_DATABASE_URL may hold other repositories' missions: there, by folder name.
   */
  async #ownSummaries() {
    const summaries = (await this.store.listMissionSummaries({ limit: 1_000_000, offset: 0 })).filter((summary) => summary.owner === LOCAL_OWNER);
    return storeIsTheRepositorys(this.#config, this.#missionsDirectory) ? summaries : summaries.filter((summary) => summary.repo === this.repo.name);
  }

  /**
   * A person's decision at the terminal, recorded exactly as the intake records `/mission approve`
   * and the other commands: the engine applies it at the next step boundary (`applyIntent`).
   */
  async intend(missionId: string, verb: Intent["verb"], text: string, author: string): Promise<void> {
    await this.store.addIntent(missionId, { verb, text, author, at: new Date().toISOString(), source: `terminal:${randomUUID()}` });
  }

  /**
   * Deletes a finished or aborted mission's checkout (its branch is in the repository): left in the
   * person's work tree it would be scanned by their own test runners and linters. A paused or blocked
   * mission keeps it, so that resuming is fast.
   */
  async removeCheckoutIfOver(missionId: string): Promise<void> {
    const mission = await this.store.getMission(missionId);
    if (!mission || !isTerminal(mission.status)) return;
    try {
      rmSync(this.#workspace.directory(missionId), { recursive: true, force: true });
    } catch (error) {
      this.log.warn({ missionId, err: error }, "could not remove the mission's checkout");
    }
  }

  /** Stops at the step in flight (it re-runs on `missions resume`), then lets go of the store and the scratch folder. */
  async stop(): Promise<void> {
    await this.engine.stop();
    if (this.#sandboxed) await SandboxedRunner.stop();
    removeScratchRoot(this.#scratchRoot);
    await this.store.close();
    await new Promise<void>((done) => this.log.flush(() => done()));
  }
}

/**
 * Whether the store is the repository's own: the default SQLite file under its `.missions/`, which
 * moves with it. A store named by MISSIONS_DATABASE_URL (PostgreSQL, or a SQLite file elsewhere) may
 * hold other repositories' missions.
 */
export function storeIsTheRepositorys(config: OperatorConfig, missionsDirectory: string): boolean {
  return !config.databaseUrl && resolve(config.databasePath) === resolve(missionsDirectory, "missions.db");
}

/** `.missions/` of a repository. */
export function missionsDirectoryOf(repositoryPath: string): string {
  return resolve(repositoryPath, ".missions");
}
