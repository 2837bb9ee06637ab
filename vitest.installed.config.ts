import { defineConfig } from "vitest/config";

// `npm run test:installed`: the app as an operator installs and runs it (a fresh clone, npm ci,
// npm start), apart from `npm test`.
export default defineConfig({
  test: {
    include: ["test/installed/**/*.installed.ts"],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: "forks",
    fileParallelism: false,
  },
});
