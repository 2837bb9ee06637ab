import { describe, expect, it } from "vitest";
import { startPostgres } from "../helpers/postgres.ts";

// Where PostgreSQL is missing, its tests fail saying what to install and how to opt out; never a silent skip.
describe("the throw-away PostgreSQL of the tests", () => {
  it("fails with what to install, and the opt-out, when PostgreSQL's binaries are missing", async () => {
    await expect(startPostgres({ path: "", debianRoot: "/nonexistent-postgresql" })).rejects.toThrow(
      /PostgreSQL is not installed: the Postgres store's tests need initdb and pg_ctl \(Debian: apt-get install postgresql; \.ci\/run installs it\)\. Set MISSIONS_TEST_POSTGRES=off to skip them/,
    );
  });
});
