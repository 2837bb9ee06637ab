import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { POSTGRES_TESTS_OFF, postgresForSuite } from "../helpers/postgres.ts";
import { gate } from "./gate.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";
import { untilWithin } from "../helpers/until.ts";

const TOKEN = "dashboard-token-for-queued-missions";

const until = untilWithin(120_000, 100);

// One instance that runs one step at a time (MISSIONS_STEPS_AT_ONCE=1) on PostgreSQL, two missions:
// while one's worker runs, the other's next turn waits in the queue, and says so where people look.
describe.skipIf(POSTGRES_TESTS_OFF)("a mission waiting in the shared queue for a free instance", () => {
  let harness: Harness | undefined;
  const cluster = postgresForSuite();
  afterEach(async () => {
    await harness?.close();
  });

  it("says 'queued' on its control comment and the dashboard while it waits, and no longer once it runs", async () => {
    const url = await cluster.createDatabase();
    harness = await startHarness({
      files: FIXTURE_FILES,
      env: { DATABASE_URL: url, MISSIONS_STEPS_AT_ONCE: "1", MISSIONS_DASHBOARD_TOKEN: TOKEN },
      startOptions: { controlEditIntervalMs: 0 },
    });
    const responder = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    // The first two workers on F1 (one per mission) wait at a gate each: the instance's only step is busy meanwhile.
    const gates = [gate(), gate()];
    let f1Workers = 0;
    harness.models.script(async (request: NormalizedRequest): Promise<Reply> => {
      const first = request.messages[0];
      if (first?.role === "user" && first.text.includes("# Feature F1:") && request.tools.some((tool) => tool.name === "submit_handoff") && request.messages.length === 1) {
        const held = gates[f1Workers++];
        if (held) {
          held.reached();
          await held.opened;
        }
      }
      return responder(request);
    });
    const first = await harness.startMission("Add greetings");
    const second = await harness.startMission("Add farewells");
    const control = (issue: number) => harness!.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("<!-- missions:control"))?.body ?? "";
    // The second mission's worker takes the only step; the first's approval waits, then its worker takes the step in turn.
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: second, user: MAINTAINER, body: "/mission approve" });
    await gates[0]!.arrived;
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: first, user: MAINTAINER, body: "/mission approve" });
    gates[0]!.open();
    await gates[1]!.arrived;
    const queuedIssue = await until("a control comment saying queued", () => [first, second].find((issue) => control(issue).includes("queued")));
    expect(control(queuedIssue)).toContain("| **Status** | 🛠️ Running · ⏳ queued — waits for a free instance |");
    const missions = await harness.app.store.listMissions();
    const waiting = missions.find((mission) => mission.issue.number === queuedIssue)!;
    const page = await (await fetch(`${harness.app.url}/missions/${waiting.id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(page).toMatch(/data-queued[^>]*>\s*<div class="now-label">Queued<\/div>/);
    const list = await (await fetch(`${harness.app.url}/missions`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(list).toMatch(new RegExp(`<tr data-mission="${waiting.id}"[\\s\\S]*?data-queued>Queued — waits for a free instance`));
    // An operator watching the queue sees the waiting step, how long it has waited, and the one running here.
    const metrics = await (await fetch(`${harness.app.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1]);
    expect(gauge("missions_queue_waiting_steps")).toBeGreaterThanOrEqual(1);
    expect(gauge("missions_queue_oldest_waiting_seconds")).toBeGreaterThanOrEqual(3);
    expect(gauge("missions_queue_running_steps")).toBe(1);
    expect(gauge("missions_queue_running_here_steps")).toBe(1);
    const health = (await (await fetch(`${harness.app.url}/health`)).json()) as { store: string; queue: { waiting: number; running: number; runningHere: number; oldestWaitingMs: number } };
    expect(health.store).toBe("postgres");
    expect(health.queue).toMatchObject({ running: 1, runningHere: 1 });
    expect(health.queue.waiting).toBeGreaterThanOrEqual(1);
    expect(health.queue.oldestWaitingMs).toBeGreaterThanOrEqual(3_000);
    // The other one runs: never "queued".
    const runningIssue = queuedIssue === first ? second : first;
    expect(control(runningIssue)).not.toContain("queued");
    gates[0]!.open();
    gates[1]!.open();
    await harness.settle();
    for (const issue of [first, second]) {
      expect(control(issue)).toMatch(/✅ Done/);
      expect(control(issue)).not.toContain("queued");
    }
  }, 300_000);

  it("a mission whose turn has begun is not made to say 'queued' by a late word from the queue, nor is one about to be taken", async () => {
    const url = await cluster.createDatabase();
    harness = await startHarness({
      files: FIXTURE_FILES,
      env: { DATABASE_URL: url },
      startOptions: { controlEditIntervalMs: 0 },
    });
    const responder = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    const held = gate();
    harness.models.script(async (request: NormalizedRequest): Promise<Reply> => {
      const first = request.messages[0];
      if (first?.role === "user" && first.text.includes("# Feature F1:") && request.tools.some((tool) => tool.name === "submit_handoff") && request.messages.length === 1) {
        held.reached();
        await held.opened;
      }
      return responder(request);
    });
    const issue = await harness.startMission("Add greetings");
    const control = () => harness!.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("<!-- missions:control"))?.body ?? "";
    // Every body the control comment was given, read as each write is answered.
    const bodies: string[] = [control()];
    harness.github.onRequest((request, when) => {
      if (when === "after" && request.method === "PATCH" && /\/issues\/comments\/\d+$/.test(request.path) && control() !== bodies.at(-1)) bodies.push(control());
    });
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    await held.arrived;
    const [mission] = await harness.app.store.listMissions();
    // The queue saw the mission's turn waiting a moment ago; the turn has begun since (its worker is running).
    await harness.app.engine.showQueued(mission!.id, true);
    expect(control()).toContain("🛠️ Running");
    expect(control()).not.toContain("queued");
    held.open();
    await harness.settle();
    expect(control()).toMatch(/✅ Done/);
    // On this idle instance every step was taken as it was sent: the comment never once said "queued".
    expect(bodies.length).toBeGreaterThan(2);
    expect(bodies.filter((body) => body.includes("queued"))).toEqual([]);
  }, 300_000);
});
