import type { Mission } from "../mission/index.ts";
import type { MissionSummary, UsageEntry } from "./mission-store.ts";

/** A row of the missions list, as both stores read it: the row's own columns and the summary kept with the mission. */
export function summaryFromRow(row: Record<string, unknown>, kept: Record<string, unknown>): MissionSummary {
  return {
    id: String(row.id),
    owner: String(kept.owner),
    repo: String(kept.repo),
    issue: Number(row.issue),
    title: String(kept.title),
    status: String(row.status) as Mission["status"],
    featuresDone: Number(kept.featuresDone),
    featuresTotal: Number(kept.featuresTotal),
    ...(typeof kept.budgetUsd === "number" ? { budgetUsd: kept.budgetUsd } : {}),
    spentUsd: Number(row.usd_micros ?? 0) / 1_000_000,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

/** A ledger row, as both stores read it. */
export function usageFromRow(row: Record<string, unknown>): UsageEntry {
  return {
    missionId: String(row.mission_id),
    role: String(row.role),
    ...(row.feature_id ? { featureId: String(row.feature_id) } : {}),
    model: String(row.model),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cacheReadTokens: Number(row.cache_read_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    usd: Number(row.usd),
    latencyMs: Number(row.latency_ms),
    retries: Number(row.retries),
    at: String(row.at),
  };
}
