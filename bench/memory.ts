import { readFileSync } from "node:fs";
import { gate } from "../test/e2e/gate.ts";
import { missionResponder, type ScriptedPlan } from "../test/e2e/mission-script.ts";
import { FAST_ENTRY } from "../test/reliability/support/app-process.ts";
import { benchWorld, MAINTAINER, OWNER, REPO } from "./app-processes.ts";

const MISSIONS = 50;

/**
 * The app's resident memory (VmRSS of its process) when idle after boot, and what each active
 * mission adds: 50 missions approved at once, each held inside its first worker's model call.
 */
export async function memory(): Promise<{ rss_idle_mb: number; rss_active_50_mb: number; rss_per_active_mission_mb: number }> {
  const plan: ScriptedPlan = {
    summary: "One file.",
    milestones: [{ id: "M1", title: "Files" }],
    features: [{ id: "F1", milestoneId: "M1", title: "Add a file", description: "Create a.txt.", assertionIds: ["VAL-MEM-001"] }],
    assertions: [{ id: "VAL-MEM-001", milestoneId: "M1", statement: "a.txt exists", verification: "sh test.sh" }],
  };
  const world = await benchWorld({ "README.md": "# bench\n", "test.sh": "true\n", ".github/missions.yml": "commands:\n  test: sh test.sh\n" });
  const held = gate();
  let workers = 0;
  const responder = missionResponder({ plans: [plan], files: { F1: { "a.txt": "a\n" } } });
  world.models.script(async (request) => {
    if (request.tools.some((tool) => tool.name === "submit_handoff")) {
      if (++workers === MISSIONS) held.reached();
      await held.opened;
    }
    return responder(request);
  });
  try {
    const app = await world.process(FAST_ENTRY);
    world.github.setWebhookTarget(`${app.url}/api/github/webhooks`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idle = await peakRss(app.pid!, 1_000);
    const issues: number[] = [];
    for (let index = 0; index < MISSIONS; index++) {
      const { number } = world.github.createIssue({ owner: OWNER, repo: REPO, title: `Memory ${index + 1}`, body: "One file.", user: MAINTAINER });
      issues.push(number);
      await world.github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: MAINTAINER });
    }
    const approved = new Set<number>();
    const deadline = Date.now() + 300_000;
    while (approved.size < MISSIONS) {
      if (Date.now() > deadline) throw new Error(`only ${approved.size} of ${MISSIONS} memory missions reached approval`);
      for (const issue of issues) {
        if (approved.has(issue) || !world.github.comments(OWNER, REPO, issue).some((comment) => comment.body.includes("Validation contract v1"))) continue;
        approved.add(issue);
        await world.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await Promise.race([held.arrived, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${workers} workers started`)), 300_000))]);
    const active = await peakRss(app.pid!, 2_000);
    held.open();
    return { rss_idle_mb: idle, rss_active_50_mb: active, rss_per_active_mission_mb: (active - idle) / MISSIONS };
  } finally {
    held.open();
    await world.close();
  }
}

/** The highest VmRSS seen over a while, in MB. */
async function peakRss(pid: number, ms: number): Promise<number> {
  let peak = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    peak = Math.max(peak, kb / 1024);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return peak;
}
