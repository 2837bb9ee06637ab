import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn } from "../helpers/git.ts";
import { POSTGRES_TESTS_OFF, postgresForSuite } from "../helpers/postgres.ts";
import { gate } from "./gate.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";

// The app on DATABASE_URL=postgres://…: a whole mission, stopped in the middle and finished by a new
// instance on the same database, as on SQLite.
describe.skipIf(POSTGRES_TESTS_OFF)("a mission on the PostgreSQL store", () => {
  let harness: Harness | undefined;
  const cluster = postgresForSuite();
  afterEach(async () => {
    await harness?.close();
  });

  it("runs to done across a restart: each feature once, its spending in the ledger, no hold left behind", async () => {
    const url = await cluster.createDatabase();
    harness = await startHarness({ files: FIXTURE_FILES, env: { DATABASE_URL: url } });
    const responder = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    const f2 = gate();
    let stopped = false;
    harness.models.script(async (request: NormalizedRequest): Promise<Reply> => {
      const first = request.messages[0];
      if (!stopped && first?.role === "user" && first.text.includes("# Feature F2:") && request.tools.some((tool) => tool.name === "submit_handoff")) {
        f2.reached();
        await f2.opened;
        return { error: { status: 500, message: "the app went away" } };
      }
      return responder(request);
    });
    const { number: issue } = harness.github.createIssue({ owner: OWNER, repo: REPO, title: "Add greetings", body: "Greet.", user: MAINTAINER });
    await harness.github.addLabel({ owner: OWNER, repo: REPO, issue, label: "mission", sender: MAINTAINER });
    await harness.settle();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    await f2.arrived;
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1"]);

    const stopping = harness.restart();
    stopped = true;
    f2.open();
    await stopping;
    await harness.settle();

    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    expect(harness.github.pulls(OWNER, REPO)).toHaveLength(1);
    const control = harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("<!-- missions:control"));
    expect(control!.body).toMatch(/✅ Done/);
    const [mission] = await harness.app.store.listMissions();
    expect(mission?.status).toBe("done");
    expect((await harness.app.store.findMissionByPull(OWNER, REPO, mission!.pr!.number))?.id).toBe(mission!.id);
    const totals = await harness.app.store.usageTotals(mission!.id);
    expect(totals.calls).toBeGreaterThan(0);
    expect((await harness.app.store.usage(mission!.id)).length).toBe(totals.calls);
    expect((await harness.app.store.events(mission!.id)).length).toBeGreaterThan(0);
    // The data is in PostgreSQL, not in a SQLite file beside the app; every model call's hold was released.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query("SELECT status FROM missions")).rows).toEqual([{ status: "done" }]);
      expect(Number((await client.query("SELECT COUNT(*) AS count FROM spend_holds")).rows[0].count)).toBe(0);
    } finally {
      await client.end();
    }
  }, 180_000);

  it("an instance that takes a waiting mission over does not rewrite its unchanged control comment: what it last showed is in the store", async () => {
    const url = await cluster.createDatabase();
    harness = await startHarness({ files: FIXTURE_FILES, env: { DATABASE_URL: url } });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const edits: string[] = [];
    harness.github.onRequest((request, when) => {
      if (when === "before" && request.method === "PATCH" && /\/issues\/comments\/\d+$/.test(request.path)) edits.push(request.path);
    });
    await harness.startMission();
    const [mission] = await harness.app.store.listMissions();
    expect(mission?.status).toBe("awaiting-approval");
    const before = edits.length;
    // The new instance offers the waiting mission a turn at boot: it finds the comment up to date.
    await harness.restart();
    await harness.settle();
    expect(edits.length).toBe(before);
    // A change is still written.
    await harness.say(mission!.issue.number, "/mission status");
    expect(edits.length).toBeGreaterThan(before);
  }, 180_000);
});
