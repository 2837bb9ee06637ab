import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.ts";
import type { EngineDeps } from "../../src/engine/engine-deps.ts";
import { ClaimLostError, SqliteMissionStore, type MissionStore, type TurnClaim } from "../../src/store/index.ts";
import { awaitingApproval } from "../mission/fixtures.ts";

describe("a turn that is no longer this instance's (its queue job lost its claim)", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("saves nothing: people's commands it was applying stay pending for the mission's new owner", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lost-turn-"));
    dirs.push(dir);
    const inner = new SqliteMissionStore(join(dir, "missions.db"));
    const claim = new AbortController();
    // The claim is lost while the turn reads the commands (another instance took the mission over).
    const store = new Proxy(inner, {
      get(target, property, receiver) {
        if (property === "pendingIntents") {
          return async (...args: Parameters<MissionStore["pendingIntents"]>) => {
            claim.abort(new Error("job is no longer active under this worker's claim"));
            return target.pendingIntents(...args);
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as MissionStore;
    const mission = awaitingApproval();
    await inner.createMission(mission);
    await inner.addIntent(mission.id, { verb: "pause", text: "", author: "alice", at: "2026-01-01T11:00:00.000Z", source: "comment:9:0" });
    const engine = new Engine({
      store,
      log: pino({ level: "silent" }),
      runner: { kind: "local" },
      settings: { retryDelayMs: 1, maxStepRetries: 1, maxBudgetUsd: 100, defaultBudgetUsd: 10, commandTimeoutMs: 1_000, toolPath: "", chromiumPath: "" },
    } as unknown as EngineDeps);
    try {
      expect(await engine.turn(mission.id, claim.signal)).toBe("stopped");
      expect(claim.signal.aborted).toBe(true);
      expect((await inner.getMission(mission.id))?.status).toBe("awaiting-approval");
      expect((await inner.pendingIntents(mission.id)).map((intent) => intent.verb)).toEqual(["pause"]);
    } finally {
      await engine.stop();
      await inner.close?.();
    }
  });

  it("ends \"lost\" when the store refuses the save for the claim (the signal not told yet): nothing saved, the commands still pending", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lost-turn-"));
    dirs.push(dir);
    const inner = new SqliteMissionStore(join(dir, "missions.db"));
    const claims: Array<TurnClaim | undefined> = [];
    // The store a shared queue backs: the claim checked in the saving transaction is gone.
    const store = new Proxy(inner, {
      get(target, property, receiver) {
        if (property === "saveMission") {
          return async (mission: Parameters<MissionStore["saveMission"]>[0], _intents?: number[], _events?: unknown[], claim?: TurnClaim) => {
            claims.push(claim);
            throw new ClaimLostError(mission.id);
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as MissionStore;
    const mission = awaitingApproval();
    await inner.createMission(mission);
    await inner.addIntent(mission.id, { verb: "pause", text: "", author: "alice", at: "2026-01-01T11:00:00.000Z", source: "comment:9:0" });
    const engine = new Engine({
      store,
      log: pino({ level: "silent" }),
      runner: { kind: "local" },
      settings: { retryDelayMs: 1, maxStepRetries: 1, maxBudgetUsd: 100, defaultBudgetUsd: 10, commandTimeoutMs: 1_000, toolPath: "", chromiumPath: "" },
    } as unknown as EngineDeps);
    try {
      const claim = { job: "5b7e9a52-0000-4000-8000-000000000001", attempt: 2 };
      expect(await engine.turn(mission.id, new AbortController().signal, claim)).toBe("lost");
      expect(claims).toEqual([claim]);
      expect((await inner.getMission(mission.id))?.status).toBe("awaiting-approval");
      expect((await inner.pendingIntents(mission.id)).map((intent) => intent.verb)).toEqual(["pause"]);
      // Nor is the commands' application on the timeline: its new owner records it when it applies them.
      expect((await inner.events(mission.id)).filter((event) => event.kind === "intent-apply")).toEqual([]);
    } finally {
      await engine.stop();
      await inner.close?.();
    }
  });
});
