import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PostgresMissionStore, SqliteMissionStore, type MissionStore, type PostgresStoreOptions } from "../../src/store/index.ts";
import { POSTGRES_TESTS_OFF, startPostgres, type TestPostgres } from "../helpers/postgres.ts";

/** A place for one store (a file, a database) that can be opened, closed and opened again. */
export interface StorePlace {
  open(): Promise<MissionStore>;
}

/** A store implementation the contract runs against: set up once per file, a fresh place per test. */
export interface StoreKind {
  name: string;
  skip: boolean;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  place(): Promise<StorePlace>;
}

export function sqliteKind(): StoreKind {
  const dirs: string[] = [];
  return {
    name: "SQLite",
    skip: false,
    async setup() {},
    async teardown() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
    async place() {
      const dir = mkdtempSync(join(tmpdir(), "store-"));
      dirs.push(dir);
      const path = join(dir, "missions.db");
      return { open: async () => new SqliteMissionStore(path) };
    },
  };
}

/** PostgreSQL on a throw-away cluster; each place is a database of its own. */
export function postgresKind(options: PostgresStoreOptions = {}): StoreKind & { cluster(): TestPostgres; url(): Promise<string> } {
  let cluster: TestPostgres | undefined;
  return {
    name: "PostgreSQL",
    skip: POSTGRES_TESTS_OFF,
    async setup() {
      cluster = await startPostgres();
    },
    async teardown() {
      cluster?.stop();
    },
    cluster: () => cluster!,
    url: () => cluster!.createDatabase(),
    async place() {
      const url = await cluster!.createDatabase();
      return { open: () => PostgresMissionStore.open(url, options) };
    },
  };
}
