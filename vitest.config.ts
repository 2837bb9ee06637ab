import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // End-to-end missions spawn git and real servers; a loaded 2-core machine needs room (reviews now
    // warm the shared prefix with one call before they fan out, so a mission's validation is longer).
    testTimeout: 150_000,
    hookTimeout: 60_000,
    pool: "forks",
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      // Entry points: they read the environment and wire the parts, which the tests drive directly (and run as child processes).
      exclude: ["src/main.ts", "src/cli/main.ts"],
      reporter: ["text-summary", "text"],
      thresholds: { statements: 85 },
    },
  },
});
