import { describe, expect, it } from "vitest";
import { toAnnotations } from "../../src/engine/steps/validate-step.ts";
import { defuseMentions } from "../../src/github/index.ts";
import {
  pauseForWorkflows,
  recordCheckpoint,
  recordHandoff,
  recordValidation,
  renderCheckSummary,
  renderPullBody,
  scrutinyFailures,
  type Mission,
  type Plan,
} from "../../src/mission/index.ts";
import { handoff, PLAN, runningMission } from "./fixtures.ts";

const NOW = "2026-01-02T00:00:00.000Z";
/** What a model (steered by a repository) may write to ping people and teams. */
const PING = "ask @octocat, &#64;hubot and @acme/owners";
/** A mention GitHub would notify: `@` (or an entity for one) straight before a name, not defused. */
const LIVE_MENTION = /(^|[^\w])(@|&#64;)[A-Za-z0-9]/m;

const plan: Plan = {
  ...PLAN,
  summary: `Two features. ${PING}.`,
  milestones: [{ id: "M1", title: `First ${PING}` }],
  features: PLAN.features.map((feature) => ({ ...feature, title: `${feature.title} ${PING}` })),
  assertions: PLAN.assertions.map((assertion) => ({ ...assertion, statement: `${assertion.statement} ${PING}` })),
};

const running = (overrides: Partial<Mission> = {}): Mission => runningMission(overrides, plan);
const noticesOf = (after: Mission, before: Mission) => after.notices.slice(before.notices.length).map((notice) => notice.body);
const finding = { featureId: "F1", severity: "major" as const, path: "src/a.ts", line: 3, message: `Broken; ${PING} to look` };

// The renderers quote model-written text as it is; the GitHub port (`defuseMentions`, run on every text
// it sends) defuses the mentions in it. test/github/outbound.test.ts and test/e2e/mentions.test.ts
// show the port doing so on the way to GitHub.
describe("model-written text posted to GitHub names people without notifying them", () => {
  it("in the scrutiny check run's summary and its annotations", () => {
    const verdicts = [{ assertionId: "VAL-A-001", verdict: "fail" as const, evidence: `no: ${PING}` }];
    const failures = scrutinyFailures([], [finding]);
    const summary = defuseMentions(renderCheckSummary([], verdicts, plan.assertions, failures, [finding]));
    expect(summary).toContain("@\u2060octocat");
    expect(summary).not.toMatch(LIVE_MENTION);
    const [annotation] = toAnnotations([finding], new Set(["src/a.ts"]));
    expect(defuseMentions(annotation!.message)).toContain("@\u2060acme/owners");
    expect(defuseMentions(annotation!.message)).not.toMatch(LIVE_MENTION);
  });

  it("in the pull request body", () => {
    const done = running({ assertions: { "VAL-A-001": { verdict: "fail", evidence: `no: ${PING}` }, "VAL-A-002": { verdict: "pass", evidence: PING } } });
    const body = defuseMentions(renderPullBody(done));
    expect(body).toContain("@\u2060octocat");
    expect(body).not.toMatch(LIVE_MENTION);
  });

  it("in the notice of a milestone blocked on validators' findings", () => {
    const before = running({ settings: { ...running().settings, maxRemediationRounds: 0 }, features: { F1: { status: "done", attempts: 1 }, F2: { status: "done", attempts: 1 } } });
    const after = recordValidation(before, { milestoneId: "M1", headSha: "b", checkRunId: 5, verdicts: [{ assertionId: "VAL-A-001", verdict: "fail", evidence: `no:\n${PING}` }], failures: scrutinyFailures([], [finding]) }, NOW);
    const [notice] = noticesOf(after, before).map(defuseMentions);
    expect(notice).toContain("@\u2060octocat");
    expect(notice).not.toMatch(LIVE_MENTION);
  });

  it("in the notices that quote a feature's title", () => {
    const before = running();
    let chain = before;
    for (let attempt = 0; attempt < 2; attempt++) {
      chain = recordCheckpoint(chain, { featureId: "F1", sha: `${attempt}`.repeat(40), parent: "p".repeat(40), limit: "turns", files: ["a.ts"], commandsRun: [], continuations: 1, branch: "mission/7-do-things" });
    }
    const partial = handoff({ status: "partial", leftUndone: ["the rest"] });
    let handedOff = recordHandoff(before, { featureId: "F1", handoff: partial, commitSha: "a".repeat(40), files: ["a.ts"], continuations: 1, branch: "b" });
    const follow = Object.keys(handedOff.features).find((id) => id !== "F1" && id !== "F2")!;
    handedOff = recordHandoff(handedOff, { featureId: follow, handoff: partial, commitSha: "c".repeat(40), files: ["a.ts"], continuations: 1, branch: "b" });
    const notices = [...noticesOf(chain, before), ...noticesOf(handedOff, before), ...noticesOf(pauseForWorkflows(before, { featureId: "F1", files: [".github/workflows/ci.yml"] }), before)].map(defuseMentions);
    expect(notices.length).toBeGreaterThanOrEqual(3);
    for (const notice of notices) {
      expect(notice).toContain("@\u2060octocat");
      expect(notice).not.toMatch(LIVE_MENTION);
    }
  });
});
