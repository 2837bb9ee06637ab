import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

/** What models (steered by a repository) write to ping people and teams, in the spellings that render as `@`. */
const PINGS = "cc @octocat, &#64;hubot, &commat;monalisa, ＠mojombo and @acme/owners";
/** A mention GitHub would notify: `@` (or what renders as one) straight before a name. */
const LIVE_MENTION = /(?<![A-Za-z0-9_])(?:@|&#0*64;?|&#x0*40;?|&commat;?|＠)[A-Za-z0-9]/i;

describe("model-written text reaches GitHub naming people without notifying them; the app's replies still address them", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
  });
  afterEach(async () => {
    await harness.close();
  });

  it("in questions, notices, check runs (summary, text, annotations) and the pull request", async () => {
    const plan = {
      ...GREETING_PLAN,
      summary: `Greet and say goodbye; ${PINGS}.`,
      features: GREETING_PLAN.features.map((feature) => ({ ...feature, title: `${feature.title} (${PINGS})` })),
    };
    harness.models.script(
      missionResponder({
        questions: [`Which language? ${PINGS}`],
        plans: [plan],
        files: GREETING_FILES,
        summaries: { F1: `Wrote greeting.txt; ${PINGS}.`, F2: `Wrote farewell.txt; ${PINGS}.` },
        discoveries: { F1: [`The README is stale; ${PINGS}.`] },
        review: (featureId) => (featureId === "F1" ? [{ path: "greeting.txt", line: 1, severity: "nit", message: `Consider a period; ${PINGS}.` }] : []),
      }),
    );
    const issue = await harness.startMission();
    const questions = harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("Which language?"));
    expect(questions?.body).toContain("@\u2060octocat");
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "English, please." });
    await harness.settle();
    await harness.say(issue);
    // A person without write access steers: the app's reply addresses them, and only them.
    harness.github.setPermission(OWNER, REPO, "mallory", "read");
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: "mallory", body: "/mission abort" });
    await harness.settle();

    const bot = harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");
    const checks = harness.github.checkRuns(OWNER, REPO);
    const [pull] = harness.github.pulls(OWNER, REPO);
    const annotations = checks.flatMap((check) => check.output.annotations);
    // The model's words did reach each place.
    expect(annotations.some((annotation) => annotation.message.includes("Consider a period"))).toBe(true);
    expect(pull!.body).toContain("@\u2060acme/owners");
    expect(checks.some((check) => `${check.output.summary}${check.output.text ?? ""}`.includes("@\u2060octocat"))).toBe(true);

    const reply = bot.find((comment) => comment.body.includes("only people with write access"));
    expect(reply?.body.startsWith("@mallory sorry")).toBe(true);
    for (const comment of bot) {
      const body = comment === reply ? comment.body.slice("@mallory".length) : comment.body;
      expect(body, body).not.toMatch(LIVE_MENTION);
    }
    for (const check of checks) expect(JSON.stringify({ name: check.name, output: check.output }), check.name).not.toMatch(LIVE_MENTION);
    expect(`${pull!.title}\n${pull!.body}`).not.toMatch(LIVE_MENTION);
    // No mark of the app's own reaches GitHub.
    expect(JSON.stringify({ bot, checks, pull })).not.toContain("\u2063");
  });
});
