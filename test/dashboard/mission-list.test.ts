import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Dashboard } from "../../src/control/dashboard/dashboard.ts";
import type { DashboardAuth } from "../../src/control/dashboard/dashboard-auth.ts";
import type { MissionFeed } from "../../src/control/dashboard/mission-feed.ts";
import type { Mission } from "../../src/mission/index.ts";
import { SqliteMissionStore } from "../../src/store/sqlite-store.ts";
import { runningMission } from "../mission/fixtures.ts";

const NOW = new Date("2026-01-01T12:00:00.000Z");
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

/** The operator, who may read every repository. */
const auth = {
  githubEnabled: false,
  session: async () => ({ viewer: { kind: "operator" }, expiresAt: Infinity, readable: new Map() }),
  canRead: async () => true,
} as unknown as DashboardAuth;
const feed = { subscribe: () => () => {} } as unknown as MissionFeed;

describe("the mission list", () => {
  let dir: string;
  let store: SqliteMissionStore;
  let server: Server;
  let url: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "mission-list-"));
    store = new SqliteMissionStore(join(dir, "missions.db"));
    const dashboard = new Dashboard({ store, auth, feed, githubWebUrl: "https://github.example", log: pino({ level: "silent" }), metricsAccess: { public: false }, now: () => NOW });
    server = createServer((request, response) => {
      void dashboard.handle(request, response).then((ours) => {
        if (!ours) response.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const text = async (path: string) => (await (await fetch(`${url}${path}`)).text()).replace(/<[^>]+>/g, "");
  const save = async (mission: Mission) => {
    await store.createMission(mission);
  };

  it("says how long a step has run since it started, as the mission's page does, not since the mission's last update", async () => {
    await save(runningMission({ createdAt: minutesAgo(120), updatedAt: minutesAgo(1) }));
    await store.saveMission(runningMission({ createdAt: minutesAgo(120), updatedAt: minutesAgo(1) }), [], [
      { missionId: "m1", kind: "step-end", at: minutesAgo(45), data: { kind: "choose-branch" } },
      { missionId: "m1", kind: "step-start", at: minutesAgo(30), data: { kind: "implement", featureId: "F1" } },
      // Tool calls since then, and the save that moved updatedAt: neither starts the step again.
      { missionId: "m1", kind: "tool-call", at: minutesAgo(2), data: { tool: "read_file" } },
    ]);
    const page = await text("/missions/m1");
    const list = await text("/missions");
    expect(page).toContain("Worker on F1 One (milestone M1) for 30 min");
    expect(list).toContain("Worker on F1 One (milestone M1) · for 30 min");
  });

  it("pages one sequence: the missions that need people first, then the others, each mission on exactly one page", async () => {
    // 120 missions, one a minute: every tenth waits for people (12 of them), the others are done.
    for (let index = 0; index < 120; index++) {
      const at = minutesAgo(1000 - index);
      await save(runningMission({ id: `m${index}`, issue: { number: index + 1, title: `Mission ${index}` }, status: index % 10 === 0 ? "paused" : "done", createdAt: at, updatedAt: at }));
    }
    const ids = async (page: number) => {
      const markup = await (await fetch(`${url}/missions?page=${page}`)).text();
      return { ids: [...markup.matchAll(/href="\/missions\/(m\d+)"/g)].map((match) => match[1]!), next: markup.includes(`page=${page + 1}`) };
    };
    const pages = [await ids(1), await ids(2), await ids(3)];
    expect(pages.map((page) => page.ids.length)).toEqual([50, 50, 20]);
    expect(pages.map((page) => page.next)).toEqual([true, true, false]);
    const waiting = Array.from({ length: 12 }, (_, index) => `m${110 - index * 10}`);
    const others = Array.from({ length: 120 }, (_, index) => 119 - index).filter((index) => index % 10 !== 0).map((index) => `m${index}`);
    // The waiting ones lead the first page; then the others, newest first, across the pages with none twice and none left out.
    expect(pages[0]!.ids.slice(0, 12)).toEqual(waiting);
    expect(pages.flatMap((page) => page.ids)).toEqual([...waiting, ...others]);
  });
});
