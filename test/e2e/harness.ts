import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { readOperatorConfig } from "../../src/config/index.ts";
import { createRedactor } from "../../src/github/index.ts";
import { loggerOptions, operatorSecrets, startMissions, type MissionsServer } from "../../src/server.ts";
import { startFakeGitHub, type FakeGitHub } from "../fakes/github/index.ts";
import { startFakeModels, type FakeModels } from "../fakes/models/index.ts";
import { freePort } from "../helpers/free-port.ts";

export const OWNER = "acme";
export const REPO = "greeter";
export const MAINTAINER = "alice";
export const ANTHROPIC_KEY = "sk-ant-test-key-0123456789";
export const OPENAI_KEY = "sk-openai-test-key-0123456789";

export interface Harness {
  github: FakeGitHub;
  models: FakeModels;
  app: MissionsServer;
  dataDir: string;
  gitDir: string;
  env: Record<string, string>;
  /** Every log line the app wrote, at debug level. */
  logs: string[];
  /** Waits until deliveries, intake and engine are all quiet. */
  settle(): Promise<void>;
  /** Opens an issue as the maintainer, labels it `mission` and waits for the app: the issue's number. */
  startMission(title?: string): Promise<number>;
  /** Comments as the maintainer (by default `/mission approve`) and waits for the app. */
  say(issue: number, body?: string): Promise<void>;
  /** Stops the app (as a deploy would) and starts a new instance on the same store. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  files: Record<string, string>;
  startOptions?: Partial<import("../../src/server.ts").StartOptions>;
  env?: Record<string, string> | ((models: FakeModels, github: FakeGitHub) => Record<string, string>);
  /** The fake model servers' options (a clock, a stricter minimum cacheable length). */
  models?: import("../fakes/models/index.ts").FakeModelsOptions;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const github = await startFakeGitHub({ webhookSecret: "webhook-secret-for-tests" });
  const models = await startFakeModels({ ...options.models, apiKeys: { anthropic: ANTHROPIC_KEY, openai: OPENAI_KEY } });
  const repo = await github.createRepo({ owner: OWNER, name: REPO, files: options.files });
  github.setPermission(OWNER, REPO, MAINTAINER, "write");
  const dataDir = await mkdtemp(join(tmpdir(), "missions-e2e-"));
  const env: Record<string, string> = {
    APP_ID: String(github.appId),
    PRIVATE_KEY: github.privateKey,
    WEBHOOK_SECRET: github.webhookSecret,
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    HOST: "127.0.0.1",
    DATABASE_URL: `sqlite:${join(dataDir, "missions.db")}`,
    // Checkouts as deep as an operator's are (a clone under a home directory): paths the app makes
    // under them (browser profiles, sockets) must still fit.
    MISSIONS_WORKSPACES: join(dataDir, "home", "operator", "src", "github.com", "our-company", "missions-self-hosted", ".data", "workspaces"),
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    ANTHROPIC_BASE_URL: models.anthropicBaseUrl,
    MISSIONS_MODEL: "anthropic/claude-sonnet-5-5",
    MISSIONS_COMMAND_TIMEOUT_SECONDS: "60",
    ...(typeof options.env === "function" ? options.env(models, github) : options.env),
  };
  const logs: string[] = [];
  const logStream = { write: (line: string) => void logs.push(line) };
  const start = async () => {
    const port = await freePort();
    // As `npm start` runs it: the app's directory is the project's own (its node_modules, the sandbox
    // library's files), and HOME is the operator's — both hidden from commands.
    const config = readOperatorConfig({ HOME: process.env.HOME, ...env, PATH: process.env.PATH ?? "", PORT: String(port) }, { appDirectory: process.cwd() });
    const app = await startMissions(config, { log: process.env.MISSIONS_TEST_LOG ? pino({ level: process.env.MISSIONS_TEST_LOG }) : pino(loggerOptions("debug", createRedactor(operatorSecrets(config))), logStream), retryDelayMs: 5, maxStepRetries: 2, paceGitHub: false, githubRetryBaseMs: 1, modelRetryBaseMs: 1, ...options.startOptions });
    github.setWebhookTarget(`${app.url}/api/github/webhooks`);
    return app;
  };
  const harness: Harness = {
    github,
    models,
    app: await start(),
    dataDir,
    gitDir: repo.gitDir,
    env,
    logs,
    async settle() {
      for (let round = 0; round < 3; round++) {
        await github.settled();
        await harness.app.idle();
      }
    },
    async startMission(title = "Add greetings") {
      const { number } = github.createIssue({ owner: OWNER, repo: REPO, title, body: "Greet.", user: MAINTAINER });
      await github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: MAINTAINER });
      await harness.settle();
      return number;
    },
    async say(issue, body = "/mission approve") {
      await github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body });
      await harness.settle();
    },
    async restart() {
      await harness.app.stop();
      harness.app = await start();
    },
    async close() {
      await harness.app.stop().catch(() => {});
      await github.close();
      await models.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
