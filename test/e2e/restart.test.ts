import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn, git } from "../helpers/git.ts";
import { gate } from "./gate.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";

describe("a mission survives the app being stopped and started again", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
  });
  afterEach(async () => {
    await harness.close();
  });

  const approveMission = async () => {
    const { number } = harness.github.createIssue({ owner: OWNER, repo: REPO, title: "Add greetings", body: "Greet.", user: MAINTAINER });
    await harness.github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: MAINTAINER });
    await harness.settle();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: number, user: MAINTAINER, body: "/mission approve" });
    return number;
  };

  it("stopped while the second feature is in flight, a new instance on the same store finishes it with each feature once", async () => {
    const responder = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    const f2 = gate();
    let stopped = false;
    harness.models.script(async (request: NormalizedRequest): Promise<Reply> => {
      const first = request.messages[0];
      if (!stopped && first?.role === "user" && first.text.includes("# Feature F2:") && request.tools.some((tool) => tool.name === "submit_handoff")) {
        // The crashed attempt leaves a file behind in the checkout before the app goes away.
        if (request.messages.length === 1) return { toolCalls: [{ name: "write_file", arguments: { path: "stray-from-crash.txt", content: "half-done\n" } }] };
        f2.reached();
        await f2.opened;
        return { error: { status: 500, message: "the app went away" } };
      }
      return responder(request);
    });
    const issue = await approveMission();
    await f2.arrived;
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1"]);

    const stopping = harness.restart();
    stopped = true;
    f2.open();
    await stopping;
    await harness.settle();

    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    // The re-run started from the branch head: nothing the crashed attempt left is in the commit.
    expect(git(harness.gitDir, "ls-tree", "-r", "--name-only", BRANCH)).not.toContain("stray-from-crash.txt");
    expect(harness.github.checkRuns(OWNER, REPO)).toHaveLength(1);
    expect(harness.github.pulls(OWNER, REPO)).toHaveLength(1);
    const control = harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("<!-- missions:control"));
    expect(control!.body).toMatch(/✅ Done/);
  });

  it("a feature pushed just before a crash (state not saved) is recognised by its trailers, not committed again", async () => {
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    await approveMission();
    await harness.settle();
    const [mission] = await harness.app.store.listMissions();
    await harness.app.stop();
    // Rewind the saved state to before F2 was recorded, as if the app died between push and save.
    const { SqliteMissionStore } = await import("../../src/store/index.ts");
    const store = new SqliteMissionStore(harness.env.DATABASE_URL!.slice("sqlite:".length));
    const saved = (await store.getMission(mission!.id))!;
    await store.saveMission({
      ...saved,
      status: "running",
      pr: undefined,
      finishedAt: undefined,
      features: { ...saved.features, F2: { status: "pending", attempts: 0 } },
      milestones: { M1: { status: "pending", round: 0 } },
      notices: saved.notices.filter((notice) => !notice.key.startsWith("done")),
    });
    await store.close();
    const workerCallsBefore = harness.models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_handoff")).length;
    await harness.restart();
    await harness.settle();
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    const workerCallsAfter = harness.models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_handoff")).length;
    expect(workerCallsAfter).toBe(workerCallsBefore);
    expect(harness.github.pulls(OWNER, REPO)).toHaveLength(1);
    expect((await harness.app.store.getMission(mission!.id))!.status).toBe("done");
  });
});
