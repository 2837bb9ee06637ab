import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { appConfig, FIXED, FORM_PLAN, qa } from "./user-testing-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const REPOSITORY = { id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER }, default_branch: "main" };

describe("Re-run and Re-run all on the app's checks", () => {
  let harness: Harness;
  let bin: string | undefined;
  afterEach(async () => {
    await harness.close();
    if (bin) await rm(bin, { recursive: true, force: true });
  });

  it("Re-run on a check run a stopped validation cancelled is obeyed: its mission is the one the check run names", async () => {
    // A browser that does not start: the validation stops and its check runs are cancelled, recorded on no milestone.
    bin = await mkdtemp(join(tmpdir(), "broken-chromium-"));
    const chromium = join(bin, "chromium");
    await writeFile(chromium, "#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n");
    await chmod(chromium, 0o755);
    harness = await startHarness({ files: { "README.md": "# Greeter\n", ".github/missions.yml": await appConfig() }, env: { MISSIONS_CHROMIUM: chromium } });
    harness.models.script(missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": FIXED } }, userTest: qa }));
    const issue = await harness.startMission();
    await harness.say(issue);
    const [paused] = await harness.app.store.listMissions();
    expect(paused!.status).toBe("paused");
    const stopped = harness.github.checkRuns(OWNER, REPO).find((check) => check.name.startsWith("Mission user testing"))!;
    expect(stopped).toMatchObject({ conclusion: "cancelled", external_id: paused!.id });
    const commentsBefore = harness.github.comments(OWNER, REPO, issue).length;

    await harness.github.deliver("check_run", {
      action: "rerequested",
      check_run: { id: stopped.id, name: stopped.name, head_sha: stopped.head_sha, external_id: stopped.external_id, app: { id: harness.github.appId } },
      repository: REPOSITORY,
      sender: { login: MAINTAINER, type: "User" },
      installation: { id: 100 },
    });
    await harness.settle();
    // Asked while the mission is paused: the person is told the validation runs when it continues.
    expect((await harness.app.store.events(paused!.id)).filter((event) => event.kind === "intent-apply").at(-1)?.data).toEqual({ verb: "revalidate", author: MAINTAINER });
    const replies = harness.github.comments(OWNER, REPO, issue).slice(commentsBefore);
    expect(replies.map((comment) => comment.body).join("\n")).toContain("validation will run when it continues");
  }, 300_000);

  it("Re-run all processed again after a crash (the same delivery) queues no second validation", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await harness.startMission();
    await harness.say(issue);
    const [first] = harness.github.checkRuns(OWNER, REPO);
    const pull = harness.github.pulls(OWNER, REPO)[0]!;
    const payload = {
      action: "rerequested",
      check_suite: { id: 77, head_sha: first!.head_sha, pull_requests: [{ number: pull.number }] },
      repository: REPOSITORY,
      sender: { login: MAINTAINER, type: "User" },
      installation: { id: 100 },
    };
    await harness.github.deliver("check_suite", payload, { deliveryId: "rerun-all-1" });
    await harness.settle();
    expect(harness.github.checkRuns(OWNER, REPO)).toHaveLength(2);

    // The app died after recording the request but before marking the delivery done: it is processed again at the next start.
    await harness.app.stop();
    const db = new DatabaseSync(harness.env.DATABASE_URL!.slice("sqlite:".length));
    db.prepare("UPDATE deliveries SET processed_at = NULL, error = NULL, payload = ? WHERE id = ?").run(JSON.stringify(payload), "rerun-all-1");
    db.close();
    await harness.restart();
    await harness.settle();
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    expect(harness.github.checkRuns(OWNER, REPO)).toHaveLength(2);
    expect((await harness.app.store.events(mission!.id)).filter((event) => event.kind === "intent-apply" && event.data.verb === "revalidate")).toHaveLength(1);
  }, 300_000);
});
