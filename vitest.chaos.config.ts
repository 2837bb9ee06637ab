import { defineConfig } from "vitest/config";

// `npm run test:chaos`: the long reliability runs (kill -9 at many points), apart from `npm test`.
export default defineConfig({
  test: {
    include: ["test/chaos/**/*.chaos.ts"],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One run at a time: each starts its own app process and fakes, and kills it dozens of times.
    fileParallelism: false,
  },
});
