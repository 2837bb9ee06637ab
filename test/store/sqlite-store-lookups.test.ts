import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteMissionStore } from "../../src/store/index.ts";
import { LIST_QUERIES, LOOKUPS } from "../../src/store/sqlite-store.ts";
import { mission } from "../mission/fixtures.ts";

const usage = { role: "worker", model: "anthropic/x", inputTokens: 10, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 1, latencyMs: 5, retries: 0, at: "t" };

describe("SqliteMissionStore lookups", () => {
  const dirs: string[] = [];
  const pathOf = () => {
    const dir = mkdtempSync(join(tmpdir(), "store-"));
    dirs.push(dir);
    return join(dir, "missions.db");
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("answers every per-webhook, per-scrape and per-model-call read from an index, never a scan", async () => {
    const path = pathOf();
    await new SqliteMissionStore(path).close();
    const raw = new DatabaseSync(path, { readOnly: true });
    for (const [name, sql] of Object.entries(LOOKUPS)) {
      const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((row) => row.detail).join("; ");
      expect(plan, name).not.toContain("ledger");
      // A scan is acceptable only over a covering index (counting statuses reads one small index, no
      // mission) or over the summary, which has a row per role and model, however long the history.
      const scans = plan.split("; ").filter((detail) => detail.startsWith("SCAN") && !detail.startsWith("SCAN usage_summary"));
      for (const step of scans) expect(step, name).toMatch(/USING COVERING INDEX/);
      expect(plan, name).toMatch(/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY|USING PRIMARY KEY/);
    }
    raw.close();
  });

  it("lists mission summaries newest first, a page at a time, filtered by status and repository, without loading missions", async () => {
    const path = pathOf();
    const store = new SqliteMissionStore(path);
    for (let index = 0; index < 12; index++) {
      await store.createMission(
        mission({
          id: `m${index}`,
          status: index % 3 === 0 ? "done" : "planning",
          issue: { number: index + 1, title: `Issue ${index}` },
          repo: { owner: "Acme", name: index % 2 ? "App" : "Site", installationId: 1, defaultBranch: "main" },
          createdAt: `2026-01-01T00:00:${String(index).padStart(2, "0")}.000Z`,
          settings: { commands: {}, models: {}, maxRemediationRounds: 3, budgetUsd: 5 },
        }),
      );
    }
    await store.recordUsage({ ...usage, missionId: "m11", usd: 0.25 });
    const first = await store.listMissionSummaries({ limit: 5, offset: 0 });
    expect(first.map((row) => row.id)).toEqual(["m11", "m10", "m9", "m8", "m7"]);
    expect(first[0]).toMatchObject({ owner: "Acme", repo: "App", issue: 12, title: "Issue 11", status: "planning", featuresDone: 0, featuresTotal: 0, budgetUsd: 5, spentUsd: 0.25 });
    expect((await store.listMissionSummaries({ limit: 5, offset: 10 })).map((row) => row.id)).toEqual(["m1", "m0"]);
    expect((await store.listMissionSummaries({ status: "done", limit: 10, offset: 0 })).map((row) => row.id)).toEqual(["m9", "m6", "m3", "m0"]);
    expect((await store.listMissionSummaries({ repositories: ["ACME/app"], limit: 3, offset: 0 })).map((row) => row.id)).toEqual(["m11", "m9", "m7"]);
    expect((await store.listMissionSummaries({ status: "done", repositories: ["acme/app", "acme/site"], limit: 10, offset: 1 })).map((row) => row.id)).toEqual(["m6", "m3", "m0"]);
    expect(await store.listMissionSummaries({ repositories: [], limit: 10, offset: 0 })).toEqual([]);
    expect(await store.missionRepositories()).toEqual(["acme/app", "acme/site"]);
    // A mission saved before summaries were kept is summarised from its data.
    await store.close();
    const raw = new DatabaseSync(path);
    raw.exec("UPDATE missions SET summary = NULL WHERE id = 'm10'");
    for (const [name, sql] of Object.entries(LIST_QUERIES)) {
      const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((row) => row.detail).join("; ");
      // In index order: the page is read and the scan stops, never all sorted first.
      expect(plan, name).not.toContain("TEMP B-TREE");
      expect(plan, name).toMatch(/USING (COVERING )?INDEX missions_/);
    }
    raw.close();
    const reopened = new SqliteMissionStore(path);
    expect((await reopened.listMissionSummaries({ limit: 2, offset: 0 }))[1]).toMatchObject({ id: "m10", owner: "Acme", repo: "Site", title: "Issue 10", budgetUsd: 5 });
    await reopened.close();
  });

  it("upgrades a store written by schema version 4: its pull requests, check runs and spending are found by index", async () => {
    const path = pathOf();
    const raw = new DatabaseSync(path);
    // Version 4, as the previous release wrote it.
    raw.exec(`CREATE TABLE missions (id TEXT PRIMARY KEY, owner TEXT NOT NULL, repo TEXT NOT NULL, issue INTEGER NOT NULL,
        status TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE UNIQUE INDEX missions_active_issue ON missions (owner, repo, issue) WHERE status IN ('planning', 'questions', 'awaiting-approval', 'running', 'paused', 'blocked');
      CREATE TABLE deliveries (id TEXT PRIMARY KEY, event TEXT NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL, processed_at TEXT, error TEXT);
      CREATE TABLE intents (seq INTEGER PRIMARY KEY AUTOINCREMENT, mission_id TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL, applied_at TEXT, source TEXT);
      CREATE INDEX intents_pending ON intents (mission_id) WHERE applied_at IS NULL;
      CREATE UNIQUE INDEX intents_source ON intents (mission_id, source) WHERE source IS NOT NULL;
      CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, mission_id TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL);
      CREATE INDEX events_mission ON events (mission_id, seq);
      CREATE TABLE ledger (seq INTEGER PRIMARY KEY AUTOINCREMENT, mission_id TEXT NOT NULL, role TEXT NOT NULL, feature_id TEXT,
        model TEXT NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL, usd REAL NOT NULL, latency_ms INTEGER NOT NULL, retries INTEGER NOT NULL, at TEXT NOT NULL);
      CREATE INDEX ledger_mission ON ledger (mission_id, seq);
      CREATE INDEX deliveries_pending ON deliveries (processed_at) WHERE processed_at IS NULL;
      PRAGMA user_version = 4;`);
    const stored = { ...mission({ id: "v4", status: "running" }), pr: { number: 12, nodeId: "n", ready: false }, milestones: { M1: { status: "pending", round: 0, checkRunId: 101, userTestingCheckRunId: 102 } } };
    raw.prepare("INSERT INTO missions VALUES ('v4', 'acme', 'app', 7, 'running', ?, 't', 't')").run(JSON.stringify(stored));
    const row = raw.prepare("INSERT INTO ledger (mission_id, role, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, usd, latency_ms, retries, at) VALUES ('v4', ?, 'anthropic/x', 1, 2, 3, 4, ?, 1, 0, 't')");
    row.run("worker", 0.1);
    row.run("worker", 0.2);
    row.run("scrutiny", 0.000001);
    raw.close();

    const store = new SqliteMissionStore(path);
    expect((await store.findMissionByPull("acme", "app", 12))?.id).toBe("v4");
    expect((await store.findMissionByCheckRun("acme", "app", 102))?.milestoneId).toBe("M1");
    expect(await store.countMissionsByStatus()).toEqual({ running: 1 });
    expect(await store.usageTotals("v4")).toEqual({ usd: 0.300001, calls: 3, inputTokens: 3, outputTokens: 6, cacheReadTokens: 9, cacheWriteTokens: 12 });
    await store.recordUsage({ ...usage, missionId: "v4", usd: 0.7 });
    expect((await store.usageTotals("v4")).usd).toBe(1.000001);
    expect((await store.usageSummary()).map((summary) => [summary.role, summary.usd])).toEqual([["scrutiny", 0.000001], ["worker", 1]]);
    await store.close();
  });
});
