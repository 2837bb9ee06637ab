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
  const ends: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const end of ends.splice(0)) await end();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A mission awaiting approval with a pending "pause", and an engine over its store with one method
   * replaced by `replace` (given the real store): the inner store is what the test reads back.
   */
  async function scenario<K extends keyof MissionStore>(method: K, replace: (inner: MissionStore) => MissionStore[K]) {
    const dir = mkdtempSync(join(tmpdir(), "lost-turn-"));
    dirs.push(dir);
    const inner = new SqliteMissionStore(join(dir, "missions.db"));
    const replaced = replace(inner);
    const store = new Proxy(inner, {
      get(target, property, receiver) {
        if (property === method) return replaced;
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
    ends.push(async () => {
      try {
        await engine.stop();
      } finally {
        await inner.close?.();
      }
    });
    return { inner, engine, mission };
  }

  it("saves nothing: people's commands it was applying stay pending for the mission's new owner", async () => {
    const claim = new AbortController();
    // The claim is lost while the turn reads the commands (another instance took the mission over).
    const { inner, engine, mission } = await scenario("pendingIntents", (real) => async (missionId: string) => {
      claim.abort(new Error("job is no longer active under this worker's claim"));
      return real.pendingIntents(missionId);
    });
    expect(await engine.turn(mission.id, claim.signal)).toBe("stopped");
    expect(claim.signal.aborted).toBe(true);
    expect((await inner.getMission(mission.id))?.status).toBe("awaiting-approval");
    expect((await inner.pendingIntents(mission.id)).map((intent) => intent.verb)).toEqual(["pause"]);
  });

  it("ends \"lost\" when the store refuses the save for the claim (the signal not told yet): nothing saved, the commands still pending", async () => {
    const claims: Array<TurnClaim | undefined> = [];
    // The store a shared queue backs: the claim checked in the saving transaction is gone.
    const { inner, engine, mission } = await scenario("saveMission", () => async (saved, _intents, _events, used) => {
      claims.push(used);
      throw new ClaimLostError(saved.id);
    });
    const claim = { job: "5b7e9a52-0000-4000-8000-000000000001", attempt: 2 };
    expect(await engine.turn(mission.id, new AbortController().signal, claim)).toBe("lost");
    expect(claims).toEqual([claim]);
    expect((await inner.getMission(mission.id))?.status).toBe("awaiting-approval");
    expect((await inner.pendingIntents(mission.id)).map((intent) => intent.verb)).toEqual(["pause"]);
    // Nor is the commands' application on the timeline: its new owner records it when it applies them.
    expect((await inner.events(mission.id)).filter((event) => event.kind === "intent-apply")).toEqual([]);
  });
});
