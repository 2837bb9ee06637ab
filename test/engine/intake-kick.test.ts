import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Intake } from "../../src/engine/intake.ts";
import type { GitHubPort } from "../../src/github/index.ts";
import { SqliteMissionStore } from "../../src/store/index.ts";

async function until(what: string, look: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await look())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const repository = { name: "demo", owner: { login: "acme" }, default_branch: "main" };
const sender = { login: "alice", type: "User" };

describe("a mission's turn the intake cannot schedule (the shared queue's database away for a moment)", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("fails the delivery, which is tried again and schedules the turn; nothing is left unhandled", async () => {
    const dir = mkdtempSync(join(tmpdir(), "intake-kick-"));
    dirs.push(dir);
    const store = new SqliteMissionStore(join(dir, "missions.db"));
    const github = {
      permission: async () => "write",
      readFile: async () => undefined,
      postComment: async () => 1,
      react: async () => {},
    } as unknown as GitHubPort;
    const kicks: Array<{ missionId: string; ok: boolean }> = [];
    let failNext = 1;
    const intake = new Intake({
      store,
      github,
      engine: {
        kick: async (missionId) => {
          const ok = failNext-- <= 0;
          kicks.push({ missionId, ok });
          if (!ok) throw Object.assign(new Error("connection terminated"), { code: "57P01" });
        },
      },
      log: pino({ level: "silent" }),
      settings: { label: "mission", providers: () => ["anthropic"], maxBudgetUsd: 100, defaultBudgetUsd: 10 },
      retryDelayMs: 1,
    });
    try {
      await intake.receive("issues", "d-1", { action: "labeled", label: { name: "mission" }, issue: { number: 7, title: "Do it", body: "" }, repository, sender, installation: { id: 1 } });
      await until("the delivery to be done", async () => (await store.pendingDeliveries()).length === 0 && kicks.some((kick) => kick.ok));
      const mission = await store.findActiveMission("acme", "demo", 7);
      expect(mission).toBeDefined();
      // The first kick failed; the delivery was tried again and the same mission got its turn.
      expect(kicks).toEqual([{ missionId: mission!.id, ok: false }, { missionId: mission!.id, ok: true }]);
      expect((await store.listMissions({})).length).toBe(1);

      // A command: recorded once, its turn scheduled by the retry.
      failNext = 1;
      kicks.length = 0;
      await intake.receive("issue_comment", "d-2", { action: "created", issue: { number: 7, title: "Do it" }, comment: { id: 50, body: "/mission pause", user: sender, created_at: new Date().toISOString() }, repository, sender, installation: { id: 1 } });
      await until("the command's delivery to be done", async () => (await store.pendingDeliveries()).length === 0 && kicks.some((kick) => kick.ok));
      expect(kicks).toEqual([{ missionId: mission!.id, ok: false }, { missionId: mission!.id, ok: true }]);
      expect((await store.pendingIntents(mission!.id)).map((intent) => intent.verb)).toEqual(["pause"]);
    } finally {
      intake.stop();
      await store.close?.();
    }
  });
});
