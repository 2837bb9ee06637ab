import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "../e2e/harness.ts";
import { mission } from "../mission/fixtures.ts";

const TOKEN = "operator-token-0123456789abcdef";

describe("nothing a webhook, a scrape or the list page does loads every stored mission", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_DASHBOARD_TOKEN: TOKEN, MISSIONS_METRICS_TOKEN: TOKEN } });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: { ...GREETING_FILES, F3: { "farewell.txt": "goodbye!\n" } } }));
    const issue = await harness.startMission();
    await harness.say(issue);
    // A history: finished missions of other issues and repositories.
    for (let index = 0; index < 30; index++) {
      await harness.app.store.createMission(
        mission({ id: `old-${index}`, status: "done", issue: { number: 1000 + index, title: `Old ${index}` }, repo: { owner: OWNER, name: index % 2 ? REPO : "elsewhere", installationId: 100, defaultBranch: "main" }, createdAt: `2025-01-01T00:00:${String(index).padStart(2, "0")}.000Z` }),
      );
    }
  });
  afterAll(async () => {
    await harness.close();
  });

  it("answers PR comments, check-run re-runs, reviews, review comments, /metrics and the list page without listMissions", async () => {
    const listMissions = vi.spyOn(harness.app.store, "listMissions");
    const pull = harness.github.pulls(OWNER, REPO)[0]!;
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: pull.number, user: MAINTAINER, body: "/mission status" });
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: pull.number, user: MAINTAINER, body: "Looks good so far." });
    await harness.settle();
    const [check] = harness.github.checkRuns(OWNER, REPO);
    await harness.github.deliver("check_run", {
      action: "rerequested",
      check_run: { id: check!.id, name: check!.name, head_sha: check!.head_sha, app: { id: harness.github.appId } },
      repository: { id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER }, default_branch: "main" },
      sender: { login: MAINTAINER, type: "User" },
      installation: { id: 100 },
    });
    await harness.settle();
    await harness.github.submitReview({ owner: OWNER, repo: REPO, number: pull.number, user: MAINTAINER, state: "changes_requested", body: "Say goodbye with more feeling.", comments: [{ path: "farewell.txt", line: 1, body: "Here." }] });
    await harness.settle();
    await harness.github.reviewComment({ owner: OWNER, repo: REPO, number: pull.number, user: MAINTAINER, path: "greeting.txt", line: 1, body: "/mission status" });
    await harness.settle();
    const scrape = await fetch(`${harness.app.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain("missions_");
    const page = await fetch(`${harness.app.url}/missions?page=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Old 29");
    expect(html).toContain(`#1 `);
    expect(listMissions).not.toHaveBeenCalled();
    // The work was done: the review became a fix commit on the pull request.
    expect(harness.github.checkRuns(OWNER, REPO).length).toBeGreaterThanOrEqual(3);
    listMissions.mockRestore();
  });
});
