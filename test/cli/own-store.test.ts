import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readOperatorConfig } from "../../src/config/index.ts";
import { missionsDirectoryOf, storeIsTheRepositorys } from "../../src/cli/local-missions.ts";

const base = { WEBHOOK_SECRET: "s", ANTHROPIC_API_KEY: "k" };

// Which missions `missions list` and a bare `missions resume` may take as this repository's: all of
// them only in the repository's own store, which moves with it; in any other, those of its folder.
describe("the store a repository's local missions are read from", () => {
  const repository = join("/", "work", "projects", "greeter");
  const own = missionsDirectoryOf(repository);

  it("is the repository's own when it is the default file under .missions/", () => {
    expect(storeIsTheRepositorys(readOperatorConfig({ ...base, DATABASE_URL: `sqlite:${join(own, "missions.db")}` }), own)).toBe(true);
  });

  it("may be shared when MISSIONS_DATABASE_URL names a SQLite file elsewhere, or PostgreSQL", () => {
    expect(storeIsTheRepositorys(readOperatorConfig({ ...base, DATABASE_URL: "sqlite:/srv/shared/missions.db" }), own)).toBe(false);
    expect(storeIsTheRepositorys(readOperatorConfig({ ...base, DATABASE_URL: "postgres://missions@db.example.test/missions" }), own)).toBe(false);
  });
});
