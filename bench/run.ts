/**
 * `npm run bench`: measures what the app itself costs, apart from models and GitHub, and writes the
 * figures to bench-results.json as { "<name>": number }. Not a test: nothing here passes or fails.
 */
import { writeFileSync } from "node:fs";
import { fileMissionHarness } from "./file-mission.ts";
import { MAINTAINER, OWNER, REPO } from "../test/e2e/harness.ts";
import { reviewParallelism } from "./review-parallelism.ts";
import { workerCaching } from "./worker-caching.ts";
import { controlCommentEdits } from "./control-comment.ts";
import { memory } from "./memory.ts";
import { webhookLatency } from "./webhook-latency.ts";

const FEATURES = 20;

async function overheadPerFeature(): Promise<number> {
  const harness = await fileMissionHarness(FEATURES);
  try {
    const { number } = harness.github.createIssue({ owner: OWNER, repo: REPO, title: "Bench", body: "", user: MAINTAINER });
    await harness.github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: MAINTAINER });
    await harness.settle();
    const started = performance.now();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: number, user: MAINTAINER, body: "/mission approve" });
    await harness.settle();
    const seconds = (performance.now() - started) / 1000;
    if (!harness.github.pulls(OWNER, REPO)[0] || harness.github.pulls(OWNER, REPO)[0]!.draft) throw new Error("the bench mission did not finish");
    return seconds / FEATURES;
  } finally {
    await harness.close();
  }
}

const results: Record<string, number> = {
  overhead_per_feature_s: await overheadPerFeature(),
  ...(await webhookLatency()),
  ...(await workerCaching()),
  ...(await reviewParallelism()),
  ...(await controlCommentEdits()),
  ...(await memory()),
};
console.table(Object.entries(results).map(([name, value]) => ({ name, value: Number(value.toFixed(4)) })));
writeFileSync("bench-results.json", `${JSON.stringify(results, null, 2)}\n`);
