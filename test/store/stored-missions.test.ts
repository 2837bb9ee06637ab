import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadMission, nextStep } from "../../src/mission/index.ts";
import { SqliteMissionStore } from "../../src/store/index.ts";

const CORPUS = new URL("../fixtures/missions/", import.meta.url);
const stored = readdirSync(CORPUS).filter((name) => name.endsWith(".json"));
/** What each stored mission must do next: a change here is a change of behaviour for running missions. */
const NEXT: Record<string, string> = {
  "awaiting-approval.json": "wait",
  "blocked-worker.json": "wait",
  "done.json": "wait",
  "paused-workflows.json": "wait",
  // Schema version 1 with what steering added: a revision waiting while the work ran, a milestone
  // blocked after it, questions the orchestrator asked at a milestone boundary.
  "revision-awaiting-approval.json": "wait",
  "blocked-milestone-after-revision.json": "wait",
  "questions-during-work.json": "wait",
};

// Missions saved by earlier releases keep loading: an upgrade never strands a mission that runs for days.
describe("the corpus of stored missions", () => {
  const directory = mkdtempSync(join(tmpdir(), "stored-missions-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("holds every kind the test expects", () => {
    expect(stored.sort()).toEqual(Object.keys(NEXT).sort());
  });

  for (const name of stored) {
    it(`loads ${name}, knows its next step, and round-trips through the store`, async () => {
      const data = JSON.parse(readFileSync(new URL(name, CORPUS), "utf8"));
      const mission = loadMission(data);
      expect(mission.id).toBe(data.id);
      expect(mission.status).toBe(data.status);
      expect(nextStep(mission).kind).toBe(NEXT[name]);
      // A store of its own: the corpus's missions are all about one issue.
      const store = new SqliteMissionStore(join(directory, `${name}.db`));
      try {
        expect(await store.createMission(mission)).toBe(true);
        expect(await store.getMission(mission.id)).toEqual(mission);
      } finally {
        await store.close();
      }
    });
  }
});
