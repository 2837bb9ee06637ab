import { readFileSync } from "node:fs";
import { MAINTAINER, OWNER, REPO } from "../test/e2e/harness.ts";
import { fileMissionHarness } from "./file-mission.ts";

const SHORT = 20;
const LONG = 100;

interface MissionRun {
  /** Wall seconds per feature, from `/mission approve` to the pull request marked ready. */
  seconds: number;
  /** CPU seconds per feature over the same span: this process (the app, the fakes) and the git processes it waited for. */
  cpuSeconds: number;
  /** Input tokens of each feature's first worker call, by feature id. */
  firstCallTokens: Map<string, number>;
}

/**
 * What the app itself costs per feature on a mission of `count` one-file features whose workers
 * hand off realistically; half the features are planned and each is continued once (a plan holds
 * at most 60), so missions of 20 and 100 features have the same shape.
 */
async function fileMission(count: number): Promise<MissionRun> {
  const harness = await fileMissionHarness(count, {}, { continued: true });
  try {
    const { number } = harness.github.createIssue({ owner: OWNER, repo: REPO, title: "Bench", body: "", user: MAINTAINER });
    await harness.github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: MAINTAINER });
    await harness.settle();
    const started = performance.now();
    const cpuStarted = cpuSeconds();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: number, user: MAINTAINER, body: "/mission approve" });
    await harness.settle();
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds() - cpuStarted;
    const pull = harness.github.pulls(OWNER, REPO)[0];
    if (!pull || pull.draft) throw new Error(`the ${count}-feature bench mission did not finish`);
    const firstCallTokens = new Map<string, number>();
    for (const call of harness.models.calls) {
      const first = call.request.messages[0];
      if (call.request.messages.length !== 1 || first?.role !== "user" || !call.request.tools.some((tool) => tool.name === "submit_handoff")) continue;
      const feature = /^# Feature (F\d+):/m.exec(first.text)?.[1];
      if (feature && !firstCallTokens.has(feature)) firstCallTokens.set(feature, call.usage.inputTokens);
    }
    if (firstCallTokens.size !== count) throw new Error(`the ${count}-feature bench mission ran ${firstCallTokens.size} workers`);
    return { seconds: seconds / count, cpuSeconds: cpu / count, firstCallTokens };
  } finally {
    await harness.close();
  }
}

/**
 * The app's overhead per feature on missions of 20 and 100 features in one run — the 20-feature
 * one before and after the long one, averaged, so a machine that speeds up or slows down weighs
 * on both — and how a worker's first call at feature 100 compares with feature 1's.
 */
export async function overhead(): Promise<Record<string, number>> {
  const before = await fileMission(SHORT);
  const long = await fileMission(LONG);
  const after = await fileMission(SHORT);
  const short = { seconds: (before.seconds + after.seconds) / 2, cpuSeconds: (before.cpuSeconds + after.cpuSeconds) / 2 };
  return {
    overhead_per_feature_s: short.seconds,
    overhead_per_feature_100_s: long.seconds,
    overhead_growth: long.seconds / short.seconds,
    overhead_cpu_growth: long.cpuSeconds / short.cpuSeconds,
    context_growth: long.firstCallTokens.get(`F${LONG}`)! / long.firstCallTokens.get("F1")!,
  };
}

/** CPU seconds of this process and of the child processes it has waited for (Linux's /proc). */
function cpuSeconds(): number {
  // After the command's name: state, then 10 fields, then utime, stime, cutime, cstime in clock ticks (100 a second).
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
  return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0) / 100;
}

if (import.meta.main) console.log(await overhead());
