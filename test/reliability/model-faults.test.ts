import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "../e2e/harness.ts";
import { expectNoSecrets } from "./support/no-secrets.ts";

const BRANCH = "mission/1-add-greetings";
const isWorker = (request: NormalizedRequest) => request.tools.some((tool) => tool.name === "submit_handoff");

// What `test/e2e/models.test.ts` does not cover already (429/529/5xx, hangs, cut streams, empty
// replies, cut-off tool arguments): 200 answers that are not what the protocol promises, tool
// arguments of the wrong shape, and a model that never calls its final tool.
describe("model faults: missions complete or pause with a clear reason", () => {
  let harness: Harness;
  afterEach(async () => {
    expectNoSecrets(harness);
    await harness.close();
  });
  const bot = (issue: number) => harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");

  it("a 200 answer with malformed JSON or a broken event stream is retried, and counted", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    const broken: Reply[] = [
      { raw: "event: message_start\ndata: {\"type\": \"message_start\", \"message\": {\n\n" },
      { raw: "{\"id\": \"msg_1\", \"content\": [", contentType: "application/json" },
      { raw: "<html><body>502 Bad Gateway</body></html>", contentType: "text/html" },
    ];
    harness.models.script((request, index) => (index % 4 === 1 && broken.length > 0 ? broken.shift()! : normal(request)));
    const issue = await harness.startMission();
    await harness.say(issue);
    expect(bot(issue).map((comment) => comment.body).join("\n")).toMatch(/Mission complete/);
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    expect(broken).toHaveLength(0);
    const [mission] = await harness.app.store.listMissions();
    const ledger = await harness.app.store.usage(mission!.id);
    // Each broken answer was retried by the metered model or its step re-ran: nothing was charged twice.
    expect(ledger.length).toBe(harness.models.calls.filter((call) => !("raw" in call.reply) && !("error" in call.reply)).length);
  });

  it("tool arguments of the wrong shape are told back to the model, which then gets them right", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    let tricked = 0;
    harness.models.script((request) => {
      const last = request.messages.at(-1);
      const toldBefore = last?.role === "user" && last.toolResults.some((result) => result.isError);
      if (isWorker(request) && !toldBefore && tricked < 2) {
        tricked++;
        // A path that is a number, and a handoff whose status is not one of the allowed ones.
        return tricked === 1
          ? { toolCalls: [{ name: "write_file", arguments: { path: 42, content: ["not", "a", "string"] } }] }
          : { toolCalls: [{ name: "submit_handoff", arguments: { status: "finished-ish", summary: 3 } }] };
      }
      // The scripted worker counts its turns: leave the rejected ones out.
      const messages = request.messages.filter((message, index, all) => {
        const next = all[index + 1];
        return !(message.role === "assistant" && next?.role === "user" && next.toolResults.some((result) => result.isError)) && !(message.role === "user" && message.toolResults.some((result) => result.isError));
      });
      return normal({ ...request, messages });
    });
    const issue = await harness.startMission();
    await harness.say(issue);
    expect(tricked).toBe(2);
    expect(bot(issue)[0]!.body).toMatch(/✅ Done/);
    const told = harness.models.calls.flatMap((call) => call.request.messages).filter((message) => message.role === "user" && message.toolResults.some((result) => result.isError));
    expect(told.length).toBeGreaterThanOrEqual(2);
  });

  it("a worker that never calls submit_handoff leaves checkpoints, and the chain of fresh workers is bounded: the mission is blocked with commands that work", async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_WORKER_TURNS: "5", MISSIONS_CONTINUATIONS: "1" } });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    harness.models.script((request) => (isWorker(request) ? { toolCalls: [{ name: "list_files", arguments: {} }] } : normal(request)));
    const issue = await harness.startMission();
    await harness.say(issue);
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("blocked");
    const notice = bot(issue).find((comment) => comment.body.includes("is not finished after 2 workers in a row"));
    expect(notice?.body).toContain("Each ran out of turns");
    expect(notice?.body).toMatch(/`\/mission retry`/);
    // Nothing is thrown away: each worker's run is a checkpoint on the branch (here with nothing changed).
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Handoff)).toEqual(["checkpoint", "checkpoint"]);
    // Bounded: two workers of five turns each, then people are asked instead of spending without end.
    expect(harness.models.calls.filter((call) => isWorker(call.request)).length).toBe(10);
  });

  it("an orchestrator that only ever talks blocks planning with the reason", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.models.script(() => ({ text: "I think the plan should be great. Let me think more." }));
    const issue = await harness.startMission();
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toMatch(/blocked|paused/);
    const notice = bot(issue).find((comment) => /Mission (blocked|paused): planning failed/.test(comment.body));
    expect(notice?.body).toMatch(/submit_plan/);
  });
});
