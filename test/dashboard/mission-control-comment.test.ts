import { afterEach, describe, expect, it } from "vitest";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "../e2e/harness.ts";

const PUBLIC_URL = "https://missions.example.com";

describe("the mission control comment", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("is one comment edited in place: a whole mission posts at most 4 new comments, and the rest are edits", async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_PUBLIC_URL: PUBLIC_URL }, startOptions: { controlEditIntervalMs: 0 } });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await harness.startMission("Add greetings");
    await harness.say(issue, "/mission approve");

    const created = harness.github.requests.filter((request) => request.method === "POST" && request.path === `/repos/${OWNER}/${REPO}/issues/${issue}/comments`);
    const edits = harness.github.requests.filter((request) => request.method === "PATCH" && /\/issues\/comments\/\d+$/.test(request.path));
    const bot = harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");
    // Control, contract, done: a person is pinged only to act or to learn the outcome.
    expect(created.length).toBeLessThanOrEqual(4);
    expect(bot).toHaveLength(created.length);
    expect(bot.map((comment) => comment.body.split("\n").find((line) => line.startsWith("#"))?.slice(0, 30))).toEqual([
      expect.stringContaining("Mission control"),
      expect.stringContaining("Validation contract v1"),
      expect.stringContaining("Mission complete"),
    ]);
    const control = bot[0]!;
    expect(edits.length).toBeGreaterThan(0);
    expect(control.edits).toBe(edits.length);

    // The final state, with what the issue asks the comment to show.
    const pull = harness.github.pulls(OWNER, REPO)[0]!;
    const check = harness.github.checkRuns(OWNER, REPO)[0]!;
    const mission = (await harness.app.store.listMissions())[0]!;
    const web = `http://${harness.github.host}/${OWNER}/${REPO}`;
    expect(control.body).toContain("✅ Done");
    expect(control.body).toContain("▰▰▰▰▰▰▰▰▰▰ 2/2");
    expect(control.body).toContain("2/2 passed");
    expect(control.body).toContain(`[\`mission/${issue}-add-greetings\`](${web}/tree/mission/${issue}-add-greetings)`);
    expect(control.body).toContain(`[#${pull.number}](${web}/pull/${pull.number}) (ready for review)`);
    expect(control.body).toContain(`| M1 Greetings | 2/2 | ✅ passed · [check run](${web}/runs/${check.id}) |`);
    expect(control.body).toMatch(/\*\*Latest handoff\*\* \(F2, done\): Implemented F2: wrote farewell\.txt\.<br>\nnothing left undone/);
    expect(control.body).toMatch(/\| \*\*Budget\*\* \| .*\$\d+\.\d\d of \$20\.00 · [\d.]+k? tokens in, [\d.]+k? out · \d+% of input read from cache \|/);
    expect(control.body).toContain(`| **Dashboard** | [live view](${PUBLIC_URL}/missions/${mission.id}) |`);
    expect(control.body).toMatch(/\| \*\*Elapsed\*\* \| \d+(s|m|h \d+m) \|/);
  });

  it("with a long throttle interval, still ends showing the final state", async () => {
    harness = await startHarness({ files: FIXTURE_FILES, startOptions: { controlEditIntervalMs: 3_600_000 } });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await harness.startMission("Add greetings");
    const control = () => harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("<!-- missions:control"))!;
    expect(control().body).toContain("Waiting for approval of the contract");
    const editsBefore = control().edits;

    await harness.say(issue, "/mission approve");
    expect(control().body).toContain("✅ Done");
    expect(control().body).toContain("2/2 passed");
    // Within the interval, the running mission's many changes became at most a couple of writes:
    // the approval, and the final state when it ended.
    expect(control().edits - editsBefore).toBeLessThanOrEqual(2);
  });
});
