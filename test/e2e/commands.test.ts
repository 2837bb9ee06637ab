import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn } from "../helpers/git.ts";
import { gate } from "./gate.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";

describe("pause, resume and abort take effect at the next step boundary", () => {
  let harness: Harness;
  let f1: ReturnType<typeof gate>;
  beforeEach(async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    const responder = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    f1 = gate();
    let held = false;
    harness.models.script(async (request: NormalizedRequest): Promise<Reply> => {
      const first = request.messages[0];
      if (!held && first?.role === "user" && first.text.includes("# Feature F1:")) {
        held = true;
        f1.reached();
        await f1.opened;
      }
      return responder(request);
    });
  });
  afterEach(async () => {
    await harness.close();
  });

  const control = (issue: number) => harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("<!-- missions:control"))!;
  const runUntilF1 = async () => {
    const { number } = harness.github.createIssue({ owner: OWNER, repo: REPO, title: "Add greetings", body: "Greet.", user: MAINTAINER });
    await harness.github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: MAINTAINER });
    await harness.settle();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: number, user: MAINTAINER, body: "/mission approve" });
    await f1.arrived;
    return number;
  };

  it("pauses after the feature in flight, and resumes to the end", async () => {
    const issue = await runUntilF1();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission pause" });
    f1.open();
    await harness.settle();
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1"]);
    expect(control(issue).body).toMatch(/Paused — paused by @\u2060alice/);
    // The draft PR opened at the first push.
    expect(harness.github.pulls(OWNER, REPO)).toMatchObject([{ draft: true, head: { ref: BRANCH } }]);

    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission resume" });
    await harness.settle();
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    expect(control(issue).body).toMatch(/✅ Done/);
  });

  it("aborts after the feature in flight: nothing more happens", async () => {
    const issue = await runUntilF1();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission abort" });
    f1.open();
    await harness.settle();
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1"]);
    expect(harness.github.checkRuns(OWNER, REPO)).toHaveLength(0);
    expect(control(issue).body).toMatch(/Aborted — aborted by @\u2060alice/);
    const calls = harness.models.calls.length;
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission resume" });
    await harness.settle();
    expect(harness.models.calls.length).toBe(calls);
    expect(harness.github.comments(OWNER, REPO, issue).at(-1)!.body).toContain("already **aborted**");
  });

  it("writes the final state of the control comment even when GitHub refuses the first edits", async () => {
    const issue = await runUntilF1();
    const id = control(issue).id;
    // More failures than the GitHub client's own retries: the engine must try the final word again.
    harness.github.failNext({ method: "PATCH", path: new RegExp(`/issues/comments/${id}$`), status: 502, times: 16 });
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission abort" });
    f1.open();
    await harness.settle();
    expect(control(issue).body).toMatch(/Aborted — aborted by @\u2060alice/);
  });
});

describe("commands hidden in Markdown that is not a paragraph are not obeyed", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
  });
  afterEach(async () => {
    await harness.close();
  });

  it("ignores approvals in code, quotes and HTML comments, and obeys the real one beside them", async () => {
    const issue = await harness.startMission();
    const hidden = [
      "Here is what I would type:",
      "",
      "    /mission approve",
      "",
      "<!--",
      "/mission approve",
      "-->",
      "```",
      "~~~",
      "/mission approve",
      "```",
      "~~~",
      "/mission approve",
      "~~~",
      "> /mission approve",
    ].join("\n");
    await harness.say(issue, hidden);
    const [waiting] = await harness.app.store.listMissions();
    expect(waiting!.status).toBe("awaiting-approval");
    expect(commitsOn(harness.gitDir, BRANCH, "main")).toEqual([]);

    await harness.say(issue, `${hidden}\n\nLooks right.\n/mission approve`);
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
  });
});
