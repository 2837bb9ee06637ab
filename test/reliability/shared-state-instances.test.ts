import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Dashboard, DashboardAuth, MissionFeed } from "../../src/control/index.ts";
import { ObservedStore, PostgresChangeFeed, PostgresMissionStore, type StoreChange } from "../../src/store/index.ts";
import { POSTGRES_TESTS_OFF, postgresForSuite } from "../helpers/postgres.ts";
import { runningMission } from "../mission/fixtures.ts";
import { untilWithin } from "../helpers/until.ts";

const TOKEN = "operator-token-for-two-instances";
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4d20000000049454e44ae426082", "hex");
const log = pino({ level: "silent" });

/** One app instance's dashboard: its own connections to the shared database, its own live feed, its own HTTP server. */
interface Instance {
  url: string;
  store: ObservedStore;
  close(): Promise<void>;
}

const until = untilWithin(30_000);

describe.skipIf(POSTGRES_TESTS_OFF)("two instances on one PostgreSQL database share what one process used to keep", () => {
  const running: Instance[] = [];
  const cluster = postgresForSuite();
  afterEach(async () => {
    for (const instance of running.splice(0)) await instance.close();
  });

  async function instance(databaseUrl: string): Promise<Instance> {
    const opened = await PostgresMissionStore.open(databaseUrl);
    const feed = new MissionFeed();
    const changes = await PostgresChangeFeed.start(databaseUrl, log, (missionId) => feed.publish(missionId));
    const store = new ObservedStore(opened, (change: StoreChange) => {
      const missionId = change.kind === "mission" ? change.missionId : change.kind === "event" ? change.event.missionId : change.entry.missionId;
      feed.publish(missionId);
      changes.publish(missionId);
    });
    let url = "";
    const dashboard = new Dashboard({
      store,
      feed,
      log,
      githubWebUrl: "https://github.example",
      auth: new DashboardAuth({ token: TOKEN, githubWebUrl: "https://github.example", githubApiUrl: "https://api.github.example", publicUrl: () => url, shared: store }),
      metricsAccess: { public: false },
      liveDelayMs: 20,
    });
    const server: Server = createServer((request, response) => {
      void dashboard.handle(request, response).then((ours) => {
        if (!ours) response.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const made: Instance = {
      url,
      store,
      async close() {
        dashboard.close();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await changes.close();
        await store.close();
      },
    };
    running.push(made);
    return made;
  }

  async function signIn(on: Instance): Promise<string> {
    const response = await fetch(`${on.url}/missions/login`, { method: "POST", body: new URLSearchParams({ token: TOKEN, next: "/missions" }), redirect: "manual" });
    expect(response.status).toBe(303);
    const cookie = /missions_session=([^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1];
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return `missions_session=${cookie}`;
  }

  it("a session begun on A works on B, and signing out on B ends it on A", async () => {
    const url = await cluster.createDatabase();
    const [a, b] = [await instance(url), await instance(url)];
    expect((await fetch(`${b.url}/missions`)).status).toBe(401);
    const cookie = await signIn(a);
    const onB = await fetch(`${b.url}/missions`, { headers: { cookie } });
    expect(onB.status).toBe(200);
    expect(await onB.text()).toContain("operator · <button");
    // The store holds a digest of the cookie, never the cookie.
    const raw = await PostgresMissionStore.open(url);
    try {
      expect(await raw.getShared("session", cookie.split("=")[1]!)).toBeUndefined();
    } finally {
      await raw.close();
    }
    const out = await fetch(`${b.url}/missions/logout`, { method: "POST", headers: { cookie }, redirect: "manual" });
    expect(out.status).toBe(303);
    expect((await fetch(`${a.url}/missions`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${b.url}/missions`, { headers: { cookie } })).status).toBe(401);
  }, 60_000);

  it("a screenshot A's mission recorded is shown and served by B's dashboard, and only to a signed-in reader", async () => {
    const url = await cluster.createDatabase();
    const [a, b] = [await instance(url), await instance(url)];
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const mission = runningMission({ assertions: { "VAL-A-001": { verdict: "pass", evidence: "The form saved; see screenshot-01.png.", commitSha: sha }, "VAL-A-002": { verdict: "pending" } } });
    await a.store.createMission(mission);
    await a.store.putEvidence(mission.id, `M1-${sha.slice(0, 12)}`, "screenshot-01.png", PNG);
    const cookie = await signIn(a);
    const page = await (await fetch(`${b.url}/missions/${mission.id}`, { headers: { cookie } })).text();
    const src = `/missions/${mission.id}/evidence/M1-${sha.slice(0, 12)}/screenshot-01.png`;
    expect(page).toContain(`src="${src}"`);
    const image = await fetch(`${b.url}${src}`, { headers: { cookie } });
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG);
    expect((await fetch(`${b.url}${src}`)).status).toBe(401);
    expect((await fetch(`${b.url}/missions/${mission.id}/evidence/M1-${sha.slice(0, 12)}/screenshot-02.png`, { headers: { cookie } })).status).toBe(404);
  }, 60_000);

  it("a live page open on B updates when A changes the mission", async () => {
    const url = await cluster.createDatabase();
    const [a, b] = [await instance(url), await instance(url)];
    const mission = runningMission();
    await a.store.createMission(mission);
    const cookie = await signIn(a);
    const controller = new AbortController();
    const stream = await fetch(`${b.url}/missions/${mission.id}/events`, { headers: { cookie }, signal: controller.signal });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let received = "";
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        received += decoder.decode(value, { stream: true });
      }
    })();
    // The stream's first update: the mission as it is (F1 next).
    await until("the first update", () => received.includes("event: update"));
    expect(received).not.toContain("Opening the pull request");
    const updates = received.split("event: update").length;
    // A finishes every feature and milestone: the next step is the pull request.
    await a.store.saveMission({
      ...mission,
      features: { F1: { status: "done", attempts: 1 }, F2: { status: "done", attempts: 1 } },
      milestones: { M1: { status: "passed", round: 0 } },
      assertions: { "VAL-A-001": { verdict: "pass", evidence: "ok" }, "VAL-A-002": { verdict: "pass", evidence: "ok" } },
      updatedAt: "2026-01-01T13:00:00.000Z",
    });
    await until("B's page to show A's change", () => received.split("event: update").length > updates && received.includes("Opening the pull request for review"));
    controller.abort();
    await read;
  }, 60_000);

  it("counts the refusal replies' rate limit across both: two replies in all, whichever instance answers", async () => {
    const url = await cluster.createDatabase();
    const [a, b] = [await instance(url), await instance(url)];
    const now = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? a : b).store.markRate("reply:acme/app#7@mallory", `comment:${index}`, now, 3_600_000, 2)),
    );
    expect(answers.filter(Boolean)).toHaveLength(2);
    expect(await b.store.markRate("reply:acme/app#7@alice", "comment:1", now, 3_600_000, 2)).toBe(true);
  }, 60_000);
});
