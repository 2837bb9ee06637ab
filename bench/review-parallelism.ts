import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnthropicLanguageModel } from "../src/models/index.ts";
import { reviewFeature } from "../src/roles/index.ts";
import { startFakeModels } from "../test/fakes/models/index.ts";

const REVIEWS = 8;
const LATENCY_MS = 500;

/** Wall time of 8 code reviews whose model answers after a fixed latency, divided by that latency. */
export async function reviewParallelism(): Promise<{ review_parallelism: number }> {
  const models = await startFakeModels();
  const directory = await mkdtemp(join(tmpdir(), "bench-review-"));
  try {
    await writeFile(join(directory, "a.ts"), "export const a = 1;\n");
    models.script(() => ({ toolCalls: [{ name: "submit_review", arguments: { findings: [] } }], delayMs: LATENCY_MS }));
    const model = new AnthropicLanguageModel("claude-bench", { apiKey: "k", baseUrl: models.anthropicBaseUrl, maxRetries: 0 });
    const started = performance.now();
    await Promise.all(
      Array.from({ length: REVIEWS }, (_, index) =>
        reviewFeature({
          model,
          missionId: "bench",
          feature: { id: `F${index + 1}`, milestoneId: "M1", title: `Feature ${index + 1}`, description: "d", assertionIds: ["VAL-B-001"] },
          assertions: [{ id: "VAL-B-001", milestoneId: "M1", statement: "s", verification: "v" }],
          diff: "+export const a = 1;",
          directory,
        }),
      ),
    );
    return { review_parallelism: (performance.now() - started) / LATENCY_MS };
  } finally {
    await models.close();
    await rm(directory, { recursive: true, force: true });
  }
}

if (import.meta.main) console.log(await reviewParallelism());
