import type { Logger } from "pino";
import type { GitHubPort } from "../github/index.ts";
import type { MissionLimits } from "../mission/index.ts";
import type { Effort, ModelRegistry, PriceTable } from "../models/index.ts";
import type { RoleName } from "../config/index.ts";
import type { MissionStore, TurnClaim } from "../store/index.ts";
import type { CommandRunner, GitWorkspace } from "../workspace/index.ts";
import type { McpServerConfig } from "../agent/mcp/index.ts";
import type { Slots } from "./slots.ts";

/** The ports the engine works through, built once in the composition root. */
export interface EngineDeps {
  store: MissionStore;
  github: GitHubPort;
  models: ModelRegistry;
  prices: PriceTable;
  workspace: GitWorkspace;
  /** Where repository commands and the worker's shell run: the sandbox, unless the operator turned it off. */
  runner: CommandRunner;
  log: Logger;
  /** The sanitiser of every text that leaves the app; commit messages go through it too. */
  redact?: (text: string) => string;
  settings: {
    commandTimeoutMs: number;
    /** Where mission branches start (default `mission/`). */
    branchPrefix?: string;
    /** The operator's effort per role; a mission's repository may have chosen others. */
    effort?: Partial<Record<RoleName, Effort>>;
    /** The operator's default limits; a mission's repository may have chosen others (see `missionLimits`). */
    limits?: MissionLimits;
    toolPath: string;
    /** The browser the user-testing validator drives. */
    chromiumPath: string;
    maxBudgetUsd: number;
    defaultBudgetUsd: number;
    /** Base delay before a failed model call is retried (doubles; `retry-after` wins). */
    modelRetryBaseMs?: number;
    /** Delay before retrying a step that failed for a passing reason; grows with each failure. */
    retryDelayMs: number;
    maxStepRetries: number;
    /**
     * How feature and checkpoint commits reach GitHub (`MISSIONS_COMMITS`): through the Git Data API, which
     * GitHub signs as the app (the default), or a git push of the local commit (unsigned).
     */
    commits?: "api" | "push";
    /** Least time between two edits of a control comment (default 5 s). */
    controlEditIntervalMs?: number;
    /** GitHub's web address, for links (default https://github.com). */
    githubWebUrl?: string;
    /** Where people reach the app's dashboard, when the operator configured it. */
    publicUrl?: string;
    /** The operator's MCP servers; a mission gets those on everywhere and those its repository enabled. */
    mcpServers?: readonly McpServerConfig[];
  };
  now?: () => Date;
  /**
   * What each mission's control comment last showed, kept in the shared store when several instances
   * drive missions (PostgreSQL): an instance that takes a mission over neither rewrites an unchanged
   * comment nor edits it sooner than the pacing allows.
   */
  controlState?: ControlState;
  /**
   * Whether the mission's next turn still waits in the shared queue for a free instance (PostgreSQL):
   * read again before its control comment is made to say "queued".
   */
  stillQueued?: (missionId: string) => Promise<boolean>;
  /** Browsers this instance runs at once for user testing (`MISSIONS_BROWSERS_AT_ONCE`); more sessions wait. Undefined: no limit. */
  browsers?: Slots;
}

export interface ControlState {
  read(missionId: string): Promise<{ body: string; at: number } | undefined>;
  written(missionId: string, body: string, at: number): Promise<void>;
}

export interface StepContext extends EngineDeps {
  signal: AbortSignal;
  /** The shared queue's claim on this turn: what the turn saves is saved only while it holds (see `MissionStore.saveMission`). */
  claim?: TurnClaim;
  log: Logger;
  now: () => Date;
}
