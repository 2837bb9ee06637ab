import type { Intent, Mission } from "../mission/index.ts";

export interface Delivery {
  id: string;
  event: string;
  payload: unknown;
  receivedAt: string;
}

/** One model call, as the ledger keeps it: what it cost and what it used. */
export interface UsageEntry {
  missionId: string;
  role: string;
  featureId?: string;
  /** `provider/model`. */
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  usd: number;
  latencyMs: number;
  retries: number;
  at: string;
}

export interface UsageTotals {
  usd: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** The whole ledger summed by role and model (`/metrics`). */
export interface UsageSummary extends UsageTotals {
  role: string;
  model: string;
}

/**
 * The answer to a hold on the budget for one model call: granted (release it once the call is
 * recorded, or has failed), or refused with what is spent and what calls in flight still hold.
 */
export type SpendHold =
  | { granted: true; release(): void }
  | { granted: false; spentUsd: number; heldUsd: number; capUsd: number };

export interface MissionEvent {
  missionId: string;
  kind: string;
  at: string;
  data: Record<string, unknown>;
}

/** One row of the dashboard's mission list: what it shows, kept beside the mission so no list loads one. */
export interface MissionSummary {
  id: string;
  /** As GitHub spells them (the store's lookup columns are lower-cased). */
  owner: string;
  repo: string;
  issue: number;
  title: string;
  status: Mission["status"];
  featuresDone: number;
  featuresTotal: number;
  budgetUsd?: number;
  spentUsd: number;
  createdAt: string;
  updatedAt: string;
}

export interface SummaryQuery {
  status?: string;
  /** `owner/name`, any case; undefined: every repository. */
  repositories?: string[];
  limit: number;
  offset: number;
}

/**
 * Durable mission state. The webhook intake writes deliveries, new missions and intents; the engine
 * is the only writer of an existing mission's state.
 */
export interface MissionStore {
  /** Records a webhook delivery; false when this delivery id was seen before (GitHub redelivers). */
  enqueueDelivery(delivery: Delivery): Promise<boolean>;
  pendingDeliveries(): Promise<Delivery[]>;
  completeDelivery(id: string, error?: string): Promise<void>;

  /** Creates a mission; false when the issue already has an active one. */
  createMission(mission: Mission): Promise<boolean>;
  getMission(id: string): Promise<Mission | undefined>;
  findActiveMission(owner: string, repo: string, issue: number): Promise<Mission | undefined>;
  findLatestMission(owner: string, repo: string, issue: number): Promise<Mission | undefined>;
  /** The most recently created mission whose pull request this is (by index, whatever the store's size). */
  findMissionByPull(owner: string, repo: string, pull: number): Promise<Mission | undefined>;
  /** The mission and milestone a check run reports on (its scrutiny or user-testing check run), by index. */
  findMissionByCheckRun(owner: string, repo: string, checkRunId: number): Promise<{ mission: Mission; milestoneId: string } | undefined>;
  /** How many missions are in each status, counted by the store without loading any. */
  countMissionsByStatus(): Promise<Record<string, number>>;
  /** Every mission (or every active one), loaded and validated: for boot, never per webhook or page. */
  listMissions(filter?: { active?: boolean }): Promise<Mission[]>;
  /** One page of mission summaries, newest first, read by index without loading missions. */
  listMissionSummaries(query: SummaryQuery): Promise<MissionSummary[]>;
  /** Every repository that has a mission (`owner/name`, lower-case), sorted. */
  missionRepositories(): Promise<string[]>;

  /** Records a command; undefined when the same `source` was recorded before. */
  addIntent(missionId: string, intent: Omit<Intent, "seq">): Promise<number | undefined>;
  pendingIntents(missionId: string): Promise<Intent[]>;
  /** Saves the mission and marks the intents it absorbed, atomically. */
  /** …and records what the step did in the timeline, in the same transaction: a crash keeps both or neither. */
  /**
   * `claim`: the shared queue's claim on the turn that saves. A store shared by instances saves only
   * while the claim holds, checked in the saving transaction (else `ClaimLostError`, nothing saved):
   * a turn another instance took over never overwrites its new owner's saves.
   */
  saveMission(mission: Mission, appliedIntents?: number[], events?: MissionEvent[], claim?: TurnClaim): Promise<void>;

  recordUsage(entry: UsageEntry): Promise<void>;
  /**
   * Holds a model call's worst case against the mission's cap before the call starts, atomically with
   * every other hold of the mission: what is spent plus what calls in flight hold never passes the cap.
   * A hold that fits only once calls in flight settle waits for them; one that cannot fit even then
   * is refused at once. A wait ends when `signal` aborts: the promise rejects with its reason.
   */
  reserveSpend(missionId: string, usd: number, capUsd: number, signal?: AbortSignal): Promise<SpendHold>;
  usage(missionId: string): Promise<UsageEntry[]>;
  /** The mission's running totals, kept as each call is recorded: one row read, however long the ledger. */
  usageTotals(missionId: string): Promise<UsageTotals>;
  /** Every mission's usage, summed by role and model (running totals too, not a scan of the ledger). */
  usageSummary(): Promise<UsageSummary[]>;

  appendEvent(event: MissionEvent): Promise<void>;
  events(missionId: string): Promise<MissionEvent[]>;
  /** The mission's last `limit` events of these kinds, oldest first: read by index from the end, however long the timeline. */
  recentEvents(missionId: string, kinds: readonly string[], limit: number): Promise<MissionEvent[]>;

  /**
   * Short-lived state every instance on the store must see alike (dashboard sessions, sign-ins begun):
   * a JSON value by kind and key until `expiresAt` (epoch ms). Expired values are never returned. With
   * `keep`, at most that many of the kind are kept: those that expire first make room (anyone can begin a sign-in).
   */
  putShared(kind: string, key: string, value: unknown, expiresAt: number, keep?: number): Promise<void>;
  getShared(kind: string, key: string): Promise<unknown>;
  /** Removes the value and returns it if it had not expired: one use, even with two instances asking at once. */
  takeShared(kind: string, key: string): Promise<unknown>;
  deleteShared(kind: string, key: string): Promise<void>;

  /**
   * A rate limit shared by every instance: records `source` under `key` at `at` (epoch ms) unless it was
   * recorded already within `windowMs`, or `limit` others were; true when recorded. Marks older than the
   * window are forgotten, whatever their key: every key is counted over the same window, `RATE_WINDOW_MS`.
   */
  markRate(key: string, source: string, at: number, windowMs: number, limit: number): Promise<boolean>;

  /**
   * A user-testing screenshot, kept in the store so any instance's dashboard serves it (`folder`:
   * `<milestone>-<commit>`). A mission keeps at most `cap` (files and bytes): other folders make room,
   * earlier runs of the same milestone first; false when even then it does not fit (it is not kept).
   */
  putEvidence(missionId: string, folder: string, name: string, data: Uint8Array, cap?: EvidenceCap): Promise<boolean>;
  /** The names of a folder's screenshots, sorted. */
  listEvidence(missionId: string, folder: string): Promise<string[]>;
  getEvidence(missionId: string, folder: string, name: string): Promise<Buffer | undefined>;
  /** Forgets a folder's screenshots (a session on the same commit starts again), or all of a mission's. */
  deleteEvidence(missionId: string, folder?: string): Promise<void>;

  close(): Promise<void>;
}

/** The one window every `markRate` caller counts over: marks older than it are forgotten for every key. */
export const RATE_WINDOW_MS = 60 * 60 * 1000;

/** How many screenshots, and how many bytes of them, one mission keeps in the store. */
export interface EvidenceCap {
  files: number;
  bytes: number;
}

export const EVIDENCE_CAP: EvidenceCap = { files: 200, bytes: 64 * 1024 * 1024 };

/**
 * Which of a mission's other evidence folders go so that `adding` more fits under `cap` (given what
 * each folder holds now, the one being written apart): earlier runs of the same milestone first, then
 * the others by name. Undefined when it cannot fit even with all of them gone.
 */
export function evidenceToDrop(folders: ReadonlyArray<{ folder: string; files: number; bytes: number }>, writing: string, adding: { files: number; bytes: number }, cap: EvidenceCap): string[] | undefined {
  const milestone = (folder: string) => folder.slice(0, Math.max(0, folder.lastIndexOf("-")));
  let files = adding.files;
  let bytes = adding.bytes;
  for (const kept of folders) {
    files += kept.files;
    bytes += kept.bytes;
  }
  const others = folders
    .filter((kept) => kept.folder !== writing)
    .sort((a, b) => Number(milestone(b.folder) === milestone(writing)) - Number(milestone(a.folder) === milestone(writing)) || (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
  const drop: string[] = [];
  for (const other of others) {
    if (files <= cap.files && bytes <= cap.bytes) break;
    drop.push(other.folder);
    files -= other.files;
    bytes -= other.bytes;
  }
  return files <= cap.files && bytes <= cap.bytes ? drop : undefined;
}

/** A turn's claim on the shared queue: its job, and which attempt of it (a job taken over runs again under its id). */
export interface TurnClaim {
  job: string;
  attempt: number;
}

/** The turn's claim is gone (another instance took the mission over): nothing of it was saved. */
export class ClaimLostError extends Error {
  override name = "ClaimLostError";
  constructor(missionId: string) {
    super(`mission ${missionId}: this instance no longer holds the mission's turn (another instance took it over); nothing was saved`);
  }
}
