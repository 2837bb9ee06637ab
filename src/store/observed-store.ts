import type { Intent, Mission } from "../mission/index.ts";
import type { Delivery, EvidenceCap, MissionEvent, MissionStore, MissionSummary, SpendHold, SummaryQuery, UsageEntry, UsageSummary, TurnClaim, UsageTotals } from "./mission-store.ts";

/** A write the store accepted: what the dashboard's live pages and the metrics listen to. */
export type StoreChange =
  | { kind: "mission"; missionId: string }
  | { kind: "event"; event: MissionEvent }
  | { kind: "usage"; entry: UsageEntry };

/**
 * A store that tells a listener about every accepted write, after it is durable. Listeners run
 * synchronously and must not throw; they only look.
 */
export class ObservedStore implements MissionStore {
  readonly #inner: MissionStore;
  readonly #listener: (change: StoreChange) => void;

  constructor(inner: MissionStore, listener: (change: StoreChange) => void) {
    this.#inner = inner;
    this.#listener = listener;
  }

  #tell(change: StoreChange): void {
    try {
      this.#listener(change);
    } catch {
      // Looking must never break writing.
    }
  }

  enqueueDelivery(delivery: Delivery): Promise<boolean> {
    return this.#inner.enqueueDelivery(delivery);
  }
  pendingDeliveries(): Promise<Delivery[]> {
    return this.#inner.pendingDeliveries();
  }
  completeDelivery(id: string, error?: string): Promise<void> {
    return this.#inner.completeDelivery(id, error);
  }
  async createMission(mission: Mission): Promise<boolean> {
    const created = await this.#inner.createMission(mission);
    if (created) this.#tell({ kind: "mission", missionId: mission.id });
    return created;
  }
  getMission(id: string): Promise<Mission | undefined> {
    return this.#inner.getMission(id);
  }
  findActiveMission(owner: string, repo: string, issue: number): Promise<Mission | undefined> {
    return this.#inner.findActiveMission(owner, repo, issue);
  }
  findLatestMission(owner: string, repo: string, issue: number): Promise<Mission | undefined> {
    return this.#inner.findLatestMission(owner, repo, issue);
  }
  findMissionByPull(owner: string, repo: string, pull: number): Promise<Mission | undefined> {
    return this.#inner.findMissionByPull(owner, repo, pull);
  }
  findMissionByCheckRun(owner: string, repo: string, checkRunId: number): Promise<{ mission: Mission; milestoneId: string } | undefined> {
    return this.#inner.findMissionByCheckRun(owner, repo, checkRunId);
  }
  countMissionsByStatus(): Promise<Record<string, number>> {
    return this.#inner.countMissionsByStatus();
  }
  listMissions(filter?: { active?: boolean }): Promise<Mission[]> {
    return this.#inner.listMissions(filter);
  }
  listMissionSummaries(query: SummaryQuery): Promise<MissionSummary[]> {
    return this.#inner.listMissionSummaries(query);
  }
  missionRepositories(): Promise<string[]> {
    return this.#inner.missionRepositories();
  }
  addIntent(missionId: string, intent: Omit<Intent, "seq">): Promise<number | undefined> {
    return this.#inner.addIntent(missionId, intent);
  }
  pendingIntents(missionId: string): Promise<Intent[]> {
    return this.#inner.pendingIntents(missionId);
  }
  async saveMission(mission: Mission, appliedIntents?: number[], events?: MissionEvent[], claim?: TurnClaim): Promise<void> {
    await this.#inner.saveMission(mission, appliedIntents, events, claim);
    for (const event of events ?? []) this.#tell({ kind: "event", event });
    this.#tell({ kind: "mission", missionId: mission.id });
  }
  async recordUsage(entry: UsageEntry): Promise<void> {
    await this.#inner.recordUsage(entry);
    this.#tell({ kind: "usage", entry });
  }
  reserveSpend(missionId: string, usd: number, capUsd: number, signal?: AbortSignal): Promise<SpendHold> {
    return this.#inner.reserveSpend(missionId, usd, capUsd, signal);
  }
  usage(missionId: string): Promise<UsageEntry[]> {
    return this.#inner.usage(missionId);
  }
  usageTotals(missionId: string): Promise<UsageTotals> {
    return this.#inner.usageTotals(missionId);
  }
  usageSummary(): Promise<UsageSummary[]> {
    return this.#inner.usageSummary();
  }
  async appendEvent(event: MissionEvent): Promise<void> {
    await this.#inner.appendEvent(event);
    this.#tell({ kind: "event", event });
  }
  events(missionId: string): Promise<MissionEvent[]> {
    return this.#inner.events(missionId);
  }
  recentEvents(missionId: string, kinds: readonly string[], limit: number): Promise<MissionEvent[]> {
    return this.#inner.recentEvents(missionId, kinds, limit);
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
  putShared(kind: string, key: string, value: unknown, expiresAt: number, keep?: number): Promise<void> {
    return this.#inner.putShared(kind, key, value, expiresAt, keep);
  }
  getShared(kind: string, key: string): Promise<unknown> {
    return this.#inner.getShared(kind, key);
  }
  takeShared(kind: string, key: string): Promise<unknown> {
    return this.#inner.takeShared(kind, key);
  }
  deleteShared(kind: string, key: string): Promise<void> {
    return this.#inner.deleteShared(kind, key);
  }
  markRate(key: string, source: string, at: number, windowMs: number, limit: number): Promise<boolean> {
    return this.#inner.markRate(key, source, at, windowMs, limit);
  }
  putEvidence(missionId: string, folder: string, name: string, data: Uint8Array, cap?: EvidenceCap): Promise<boolean> {
    return this.#inner.putEvidence(missionId, folder, name, data, cap);
  }
  deleteEvidence(missionId: string, folder?: string): Promise<void> {
    return this.#inner.deleteEvidence(missionId, folder);
  }
  listEvidence(missionId: string, folder: string): Promise<string[]> {
    return this.#inner.listEvidence(missionId, folder);
  }
  getEvidence(missionId: string, folder: string, name: string): Promise<Buffer | undefined> {
    return this.#inner.getEvidence(missionId, folder, name);
  }
}
