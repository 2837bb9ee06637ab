import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { freePort } from "./free-port.ts";

/**
 * A throw-away PostgreSQL cluster for the tests: `initdb` and `pg_ctl` in a temporary directory, on a
 * free port of 127.0.0.1, password authentication on (so a URL's password is a real one). Run as the
 * `postgres` user when the tests run as root (initdb refuses root). Stopped and removed by `stop`, and
 * at the latest when the test process exits.
 */
export interface TestPostgres {
  /** The cluster's superuser URL, on its `postgres` database. */
  url: string;
  port: number;
  password: string;
  /** A new, empty database and its URL: each test gets its own. */
  createDatabase(): Promise<string>;
  stop(): void;
}

/**
 * `MISSIONS_TEST_POSTGRES=off` skips the PostgreSQL tests on a developer's machine without PostgreSQL.
 * Anywhere else a missing PostgreSQL fails them, saying what to install: CI never skips them silently.
 */
export const POSTGRES_TESTS_OFF = process.env.MISSIONS_TEST_POSTGRES === "off";

/** Where `initdb`, `pg_ctl` and `postgres` are: PATH, else Debian's /usr/lib/postgresql/<version>/bin (newest). */
export function postgresBinaries(search: SearchPlaces = {}): string | undefined {
  const has = (dir: string) => ["initdb", "pg_ctl", "postgres"].every((name) => existsSync(join(dir, name)));
  for (const dir of (search.path ?? process.env.PATH ?? "").split(delimiter)) if (dir && has(dir)) return dir;
  const debian = search.debianRoot ?? "/usr/lib/postgresql";
  if (!existsSync(debian)) return undefined;
  const versions = readdirSync(debian)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) if (has(join(debian, version, "bin"))) return join(debian, version, "bin");
  return undefined;
}

/** Where to look for PostgreSQL instead of PATH and Debian's directory (the helper's own test). */
interface SearchPlaces {
  path?: string;
  debianRoot?: string;
}

export async function startPostgres(search: SearchPlaces = {}): Promise<TestPostgres> {
  const bin = postgresBinaries(search);
  if (!bin) {
    throw new Error(
      "PostgreSQL is not installed: the Postgres store's tests need initdb and pg_ctl (Debian: apt-get install postgresql; .ci/run installs it). " +
        "Set MISSIONS_TEST_POSTGRES=off to skip them on a machine without PostgreSQL.",
    );
  }
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? postgresUser() : undefined;
  const dir = mkdtempSync(join(tmpdir(), "missions-pg-"));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  chmodSync(dir, 0o700);
  const data = join(dir, "data");
  const password = randomBytes(12).toString("hex");
  const passwordFile = join(dir, "password");
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner) chownSync(passwordFile, owner.uid, owner.gid);
  const run = (command: string, args: string[]) => {
    const [file, argv] = owner ? ["runuser", ["-u", "postgres", "--", join(bin, command), ...args]] : [join(bin, command), args];
    execFileSync(file, argv, { stdio: ["ignore", "pipe", "pipe"], cwd: dir });
  };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stop);
    if (existsSync(join(data, "postmaster.pid"))) {
      const [file, argv] = owner ? ["runuser", ["-u", "postgres", "--", join(bin, "pg_ctl"), "stop", "-D", data, "-m", "immediate", "-w"]] : [join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w"]];
      spawnSync(file, argv, { stdio: "ignore", cwd: dir });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", stop);
  try {
    run("initdb", ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", `--pwfile=${passwordFile}`, "-E", "UTF8", "--no-locale", "--no-sync"]);
    // A port found free can be taken before the server binds it: a few tries.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
      try {
        run("pg_ctl", ["start", "-D", data, "-w", "-t", "60", "-l", join(dir, "server.log"), "-o", options]);
      } catch (error) {
        if (attempt < 3) continue;
        const log = existsSync(join(dir, "server.log")) ? readFileSync(join(dir, "server.log"), "utf8") : "";
        throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`, { cause: error });
      }
      const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
      let databases = 0;
      return {
        url,
        port,
        password,
        async createDatabase() {
          const name = `test_${process.pid}_${++databases}`;
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            await client.query(`CREATE DATABASE ${name}`);
          } finally {
            await client.end();
          }
          return `postgres://postgres:${password}@127.0.0.1:${port}/${name}`;
        },
        stop,
      };
    }
  } catch (error) {
    stop();
    throw error;
  }
}

function postgresUser(): { uid: number; gid: number } {
  const found = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const group = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (found.status !== 0 || group.status !== 0) {
    throw new Error("The tests run as root, and initdb refuses root: they run PostgreSQL as the user `postgres`, which does not exist here (Debian's postgresql package creates it).");
  }
  return { uid: Number(found.stdout.trim()), gid: Number(group.stdout.trim()) };
}

/**
 * One cluster for the describe block it is called in: started before its tests (initdb takes a while on a
 * loaded machine, hence the long hook timeout) and stopped after them. Each test takes a database of its own.
 */
export function postgresForSuite(search: SearchPlaces = {}): TestPostgres {
  let cluster: TestPostgres | undefined;
  beforeAll(async () => {
    cluster = await startPostgres(search);
  }, 120_000);
  afterAll(() => cluster?.stop());
  const started = (): TestPostgres => {
    if (!cluster) throw new Error("the PostgreSQL cluster is not started: use it inside a test");
    return cluster;
  };
  return {
    get url() { return started().url; },
    get port() { return started().port; },
    get password() { return started().password; },
    createDatabase: () => started().createDatabase(),
    stop: () => cluster?.stop(),
  };
}
