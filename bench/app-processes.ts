import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGitHub, type FakeGitHub } from "../test/fakes/github/index.ts";
import { startFakeModels, type FakeModels } from "../test/fakes/models/index.ts";
import { AppProcess } from "../test/reliability/support/app-process.ts";

export const OWNER = "acme";
export const REPO = "greeter";
export const MAINTAINER = "alice";
const KEY = "sk-ant-bench-key-0123456789";

export interface BenchWorld {
  github: FakeGitHub;
  models: FakeModels;
  gitDir: string;
  /** A process running `entry` with the operator environment pointing at the fakes. */
  process(entry: string, extraEnv?: Record<string, string>): Promise<AppProcess>;
  close(): Promise<void>;
}

/** Fake GitHub and models in this process; apps as child processes, as an operator runs them. */
export async function benchWorld(files: Record<string, string>): Promise<BenchWorld> {
  const github = await startFakeGitHub({ webhookSecret: "bench-webhook-secret" });
  const models = await startFakeModels({ apiKeys: { anthropic: KEY } });
  const repo = await github.createRepo({ owner: OWNER, name: REPO, files });
  github.setPermission(OWNER, REPO, MAINTAINER, "write");
  const root = await mkdtemp(join(tmpdir(), "missions-bench-"));
  const processes: AppProcess[] = [];
  return {
    github,
    models,
    gitDir: repo.gitDir,
    async process(entry, extraEnv = {}) {
      const dir = join(root, String(processes.length));
      await Promise.all([mkdir(join(dir, "app"), { recursive: true }), mkdir(join(dir, "home"), { recursive: true })]);
      const app = new AppProcess({
        entry,
        cwd: join(dir, "app"),
        logFile: join(dir, "app.log"),
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: join(dir, "home"),
          NODE_ENV: "production",
          LOG_FORMAT: "json",
          LOG_LEVEL: "info",
          APP_ID: String(github.appId),
          PRIVATE_KEY: github.privateKey,
          WEBHOOK_SECRET: github.webhookSecret,
          GHE_HOST: github.host,
          GHE_PROTOCOL: "http",
          DATABASE_URL: `sqlite:${join(dir, "data", "missions.db")}`,
          MISSIONS_WORKSPACES: join(dir, "data", "workspaces"),
          ANTHROPIC_API_KEY: KEY,
          ANTHROPIC_BASE_URL: models.anthropicBaseUrl,
          MISSIONS_MODEL: "anthropic/claude-sonnet-5-5",
          ...extraEnv,
        },
      });
      processes.push(app);
      await app.start();
      return app;
    },
    async close() {
      await Promise.all(processes.map((app) => app.stop()));
      await Promise.all([github.close(), models.close()]);
      await rm(root, { recursive: true, force: true });
    },
  };
}
