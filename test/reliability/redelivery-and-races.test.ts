import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "../e2e/harness.ts";
import { seededRandom } from "./support/seeded-random.ts";
import { expectNoSecrets } from "./support/no-secrets.ts";

const BRANCH = "mission/1-add-greetings";

describe("redelivery and races: exactly one effect each", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN, { ...GREETING_PLAN, summary: "Revised plan." }], files: GREETING_FILES }));
  });
  afterEach(async () => {
    expectNoSecrets(harness);
    await harness.close();
  });

  const bot = (issue: number) => harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");
  const withMarker = (issue: number, marker: string) => bot(issue).filter((comment) => comment.body.includes(marker));
  const workerFirstCalls = () => harness.models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_handoff") && call.request.messages.length === 1).length;
  const newIssue = () => harness.github.createIssue({ owner: OWNER, repo: REPO, title: "Add greetings", body: "Greet.", user: MAINTAINER }).number;

  it("every webhook delivered three times, the copies out of order, while the mission runs", async () => {
    const random = seededRandom(3);
    const copies = new Map<string, number>();
    let storming = true;
    // GitHub's redeliveries: each delivery (people's and the app's own comments) twice more, at random later moments.
    const storm = (async () => {
      while (storming || [...harness.github.deliveries()].some((delivery) => (copies.get(delivery.deliveryId) ?? 1) < 3)) {
        const pending = harness.github.deliveries().filter((delivery) => (copies.get(delivery.deliveryId) ?? 1) < 3);
        const pick = pending[Math.floor(random() * pending.length)];
        if (pick) {
          copies.set(pick.deliveryId, (copies.get(pick.deliveryId) ?? 1) + 1);
          await harness.github.deliver(pick.event, pick.payload, { deliveryId: pick.deliveryId });
        }
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 15)));
      }
    })();
    const issue = newIssue();
    await harness.github.addLabel({ owner: OWNER, repo: REPO, issue, label: "mission", sender: MAINTAINER });
    await harness.settle();
    const approve = await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    // GitHub once sent the same comment again under a new delivery id.
    const sent = harness.github.deliveries().find((delivery) => delivery.deliveryId === approve.deliveryId)!;
    await harness.github.deliver(sent.event, sent.payload, { deliveryId: randomUUID() });
    await harness.settle();
    storming = false;
    await storm;
    await harness.settle();

    const originals = harness.github.deliveries().filter((delivery, index, all) => all.findIndex((other) => other.deliveryId === delivery.deliveryId) === index);
    const repeated = originals.filter((delivery) => harness.github.deliveries().filter((other) => other.deliveryId === delivery.deliveryId).length === 3);
    // Every delivery — the label, the approval and its copy under a new id, the app's own comments — arrived three times.
    expect(originals.length).toBeGreaterThanOrEqual(6);
    expect(repeated).toHaveLength(originals.length);
    expect(await harness.app.store.listMissions()).toHaveLength(1);
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    expect(workerFirstCalls()).toBe(2);
    expect(harness.github.checkRuns(OWNER, REPO)).toHaveLength(1);
    expect(harness.github.pulls(OWNER, REPO)).toHaveLength(1);
    for (const marker of ["<!-- missions:control", "<!-- missions:contract v=1", "Mission complete"]) expect(withMarker(issue, marker)).toHaveLength(1);
    expect(bot(issue)).toHaveLength(3);
    const [mission] = await harness.app.store.listMissions();
    const approvals = (await harness.app.store.events(mission!.id)).filter((event) => event.kind === "intent-apply" && event.data.verb === "approve");
    expect(approvals).toHaveLength(1);
    expect(mission!.status).toBe("done");
  });

  it("two `/mission approve` at once: the mission is approved and run once", async () => {
    harness.github.setPermission(OWNER, REPO, "bob", "write");
    const issue = newIssue();
    await harness.github.addLabel({ owner: OWNER, repo: REPO, issue, label: "mission", sender: MAINTAINER });
    await harness.settle();
    await Promise.all([
      harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" }),
      harness.github.comment({ owner: OWNER, repo: REPO, issue, user: "bob", body: "/mission approve" }),
    ]);
    await harness.settle();
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    expect(workerFirstCalls()).toBe(2);
    expect(harness.github.pulls(OWNER, REPO)).toHaveLength(1);
    expect(harness.github.checkRuns(OWNER, REPO)).toHaveLength(1);
    const [mission] = await harness.app.store.listMissions();
    expect(mission).toMatchObject({ status: "done", approvedVersion: 1 });
    expect(mission!.contracts).toHaveLength(1);
  });

  it("an approve racing a revise: each takes effect once, in the order they came, and nothing happens twice", async () => {
    harness.github.setPermission(OWNER, REPO, "bob", "write");
    const issue = newIssue();
    await harness.github.addLabel({ owner: OWNER, repo: REPO, issue, label: "mission", sender: MAINTAINER });
    await harness.settle();
    await Promise.all([
      harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" }),
      harness.github.comment({ owner: OWNER, repo: REPO, issue, user: "bob", body: "/mission revise greet in French too" }),
    ]);
    await harness.settle();
    const [mission] = await harness.app.store.listMissions();
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    if (mission!.approvedVersion === 1) {
      // The approve came first: v1's work starts, and the revise asks for v2 of a running mission —
      // written and posted once; the work waits for it at the next step boundary, what was done stays.
      expect(mission!.status).toBe("awaiting-approval");
      expect(mission!.contracts).toHaveLength(2);
      const features = commits.map((commit) => commit.trailers.Feature);
      expect(["F1", "F2"].slice(0, features.length)).toEqual(features);
      expect(withMarker(issue, "<!-- missions:contract v=2")).toHaveLength(1);
    } else {
      // The revise came first: v2 is posted and waits; the approve of v1 is refused, nothing ran.
      expect(mission!.status).toBe("awaiting-approval");
      expect(mission!.approvedVersion).toBeUndefined();
      expect(withMarker(issue, "<!-- missions:contract v=2")).toHaveLength(1);
      expect(commits).toHaveLength(0);
    }
    expect(withMarker(issue, "<!-- missions:control")).toHaveLength(1);
    expect(withMarker(issue, "<!-- missions:contract v=1")).toHaveLength(1);
    expect(harness.github.pulls(OWNER, REPO).length).toBeLessThanOrEqual(1);
    const orchestrations = harness.models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_plan")).length;
    expect(orchestrations).toBe(mission!.contracts.length);
  });
});
