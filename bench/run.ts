/**
 * `npm run bench`: measures what the app itself costs, apart from models and GitHub, and writes the
 * figures to bench-results.json as { "<name>": number }. Not a test: nothing here passes or fails.
 */
import { writeFileSync } from "node:fs";
import { overhead } from "./overhead.ts";
import { reviewParallelism } from "./review-parallelism.ts";
import { missionCaching } from "./mission-caching.ts";
import { controlCommentEdits } from "./control-comment.ts";
import { memory } from "./memory.ts";
import { webhookLatency } from "./webhook-latency.ts";
import { scaleOut } from "./scale-out.ts";

const results: Record<string, number> = {
  ...(await overhead()),
  ...(await webhookLatency()),
  ...(await missionCaching()),
  ...(await reviewParallelism()),
  ...(await controlCommentEdits()),
  ...(await memory()),
  ...(await scaleOut()),
};
console.table(Object.entries(results).map(([name, value]) => ({ name, value: Number(value.toFixed(4)) })));
writeFileSync("bench-results.json", `${JSON.stringify(results, null, 2)}\n`);
// Every harness and child is closed by now, yet after the 100-feature mission the process at times
// stays alive with no handle Node reports; the figures are written, so end here.
process.exit(0);
