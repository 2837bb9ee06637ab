import { z } from "zod";
import { parseOperatorPrices, PriceTable, type ModelPrice } from "../models/prices.ts";
import type { Effort } from "../models/language-model.ts";
import { findModelProblems, type ConfigProblem } from "./model-problems.ts";
import { DEFAULT_BRANCH_PREFIX, type MissionLimits } from "../mission/index.ts";
import { parseMcpServers, type McpServerConfig } from "../agent/mcp/mcp-servers-config.ts";

/** One name per role everywhere: config, prompts, the ledger. `repair-planner` plans the follow-up features of a milestone that failed validation. */
export const ROLE_NAMES = ["orchestrator", "repair-planner", "worker", "researcher", "scrutiny", "reviewer", "user-testing"] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export interface ProviderSettings {
  /** `anthropic`, or `openai` for OpenAI and every OpenAI-compatible server. */
  protocol: "anthropic" | "openai";
  apiKey: string;
  baseUrl?: string;
  /**
   * Which OpenAI API an `openai` provider speaks: `responses` (OpenAI's own endpoint, by default) or
   * `chat` (Chat Completions: the default with a custom base URL, which OpenAI-compatible servers know).
   */
  api?: "responses" | "chat";
  /** The model roles use when only the provider is chosen. */
  defaultModel?: string;
}

/** Everything the operator decides. Read from the environment once, in the composition root. */
export interface OperatorConfig {
  appId?: string;
  privateKey?: string;
  webhookSecret: string;
  /** GitHub's REST API, e.g. https://api.github.com or a GitHub Enterprise Server's /api/v3. */
  githubApiUrl: string;
  port: number;
  host?: string;
  webhookPath?: string;
  /** The SQLite store's file; with PostgreSQL, where the app keeps its local data (the sandbox's scratch key). */
  databasePath: string;
  /** `DATABASE_URL` when it is a `postgres://` URL: the PostgreSQL store. */
  databaseUrl?: string;
  workspaceRoot: string;
  label: string;
  /** Where mission branches start (`mission/` by default): workflows can leave them out by it. */
  branchPrefix: string;
  providers: Record<string, ProviderSettings>;
  models: Record<RoleName, string>;
  /** Roles whose model the operator set explicitly (MISSIONS_MODEL_<ROLE>). */
  pinnedRoles: RoleName[];
  /** How hard each role's model thinks (`MISSIONS_EFFORT`, `MISSIONS_EFFORT_<ROLE>`); absent: the provider's default. */
  effort: Partial<Record<RoleName, Effort>>;
  /** Why missions could not call their models, each naming the variable to fix; empty when they can. */
  modelProblems: ConfigProblem[];
  budget: { defaultUsd: number; maxUsd: number };
  commandTimeoutMs: number;
  /** Limits of workers, commands and checkpoint continuations: the defaults, and the most a repository may choose. */
  limits: { defaults: MissionLimits; max: MissionLimits };
  modelTimeoutMs: number;
  /** Operator prices, USD per million tokens, by `provider/model` prefix. */
  prices: Record<string, ModelPrice>;
  /** Whether repository and agent commands run in the sandbox (the default) or unconfined. */
  sandbox: boolean;
  /** How commits reach GitHub (`MISSIONS_COMMITS`): the Git Data API, signed by GitHub (default), or a git push. */
  commits: "api" | "push";
  /** The browser the user-testing validator drives (Chromium or Chrome). */
  chromiumPath: string;
  /** Hosts sandboxed commands may reach; default: the package registries. */
  networkAllow?: string[];
  /** The operator's MCP servers (`MISSIONS_MCP_SERVERS`): their tools go to the roles named, where on. */
  mcpServers: McpServerConfig[];
  /** Paths sandboxed commands may never read, besides the store and the checkouts. */
  secretPaths: string[];
  /** Where repository commands and git find their tools: the app's own PATH, nothing else of its environment. */
  toolPath: string;
  /** A CA bundle and package mirrors for sandboxed installs (`MISSIONS_CA_FILE`, `MISSIONS_NPM_REGISTRY`, `MISSIONS_PIP_INDEX_URL`). */
  packageSources: { caFile?: string; npmRegistry?: string; pipIndexUrl?: string };
  logLevel: string;
  logFormat: "json" | "pretty";
  /** GitHub's web address (OAuth sign-in, links): https://github.com or the GHE host. */
  githubWebUrl: string;
  /** Where people reach this app (`MISSIONS_PUBLIC_URL`): dashboard links in comments, OAuth callback. */
  publicUrl?: string;
  dashboard: {
    /** Operator token for the dashboard (`MISSIONS_DASHBOARD_TOKEN`), as a bearer header or through the login form. */
    token?: string;
    /** The app's OAuth client from the manifest flow: "Sign in with GitHub". */
    oauth?: { clientId: string; clientSecret: string };
  };
  metrics: {
    /** Bearer token for `/metrics` (`MISSIONS_METRICS_TOKEN`); the dashboard token is accepted too. */
    token?: string;
    /** `MISSIONS_METRICS_PUBLIC=true`: `/metrics` without a token (a scraper on a private network). */
    public: boolean;
  };
  /** Least time between two edits of one mission's control comment (`MISSIONS_CONTROL_EDIT_INTERVAL_SECONDS`). */
  controlEditIntervalMs: number;
  /**
   * The shared step queue (PostgreSQL only): steps this instance runs at once (`MISSIONS_STEPS_AT_ONCE`),
   * how often a running step's job says it is alive (`MISSIONS_QUEUE_HEARTBEAT_SECONDS`), and how often
   * jobs whose instance went silent are looked for and handed on (`MISSIONS_QUEUE_CHECK_SECONDS`).
   */
  queue: { stepsAtOnce: number; heartbeatSeconds: number; checkSeconds: number };
  /** Browsers (with the app under test) this instance runs at once for user testing (`MISSIONS_BROWSERS_AT_ONCE`); more sessions wait. */
  browsersAtOnce: number;
  /** A smee.io channel relaying GitHub's webhooks to this process (`WEBHOOK_PROXY_URL`, local development). */
  webhookProxyUrl?: string;
  /** Whether the setup flow creates a relay channel: not in production, nor with a relay or public URL already set. */
  createWebhookChannel: boolean;
  /** `GH_ORG`: the setup flow registers the app under this organisation instead of the operator's account. */
  githubOrganization?: string;
  /** The `.env` file the app reads at start and the setup flow writes (`MISSIONS_ENV_FILE`). */
  envFile: string;
}

/** A number variable: unset or empty is `fallback`; anything `accepts` refuses is a problem named `expected …`. */
const numberVariable = (fallback: number, accepts: (number: number) => boolean, expected: string) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === "") return fallback;
      const number = Number(value);
      if (!accepts(number)) {
        context.addIssue({ code: "custom", message: `expected ${expected}, got "${value}"` });
        return z.NEVER;
      }
      return number;
    });
const positiveNumber = (fallback: number) => numberVariable(fallback, (number) => Number.isFinite(number) && number > 0, "a positive number");
const wholeNumber = (fallback: number) => numberVariable(fallback, (number) => Number.isInteger(number) && number >= 0, "a whole number");
const positiveInteger = (fallback: number) => numberVariable(fallback, (number) => Number.isInteger(number) && number > 0, "a positive whole number");

/** A package mirror's address: every command sees it, so it may not carry credentials. */
const mirrorUrl = () =>
  z
    .string()
    .url()
    .refine((value) => /^https?:/.test(value), "expected an http(s) URL")
    .refine((value) => !new URL(value).username && !new URL(value).password, "must not contain credentials (every sandboxed command can read it); use a mirror that needs none, or one on the operator's network")
    .optional();

const EnvSchema = z.object({
  APP_ID: z.string().optional(),
  PRIVATE_KEY: z.string().optional(),
  WEBHOOK_SECRET: z.string().optional(),
  GHE_HOST: z.string().optional(),
  GHE_PROTOCOL: z.enum(["http", "https"]).optional(),
  PORT: positiveNumber(3000),
  HOST: z.string().optional(),
  WEBHOOK_PATH: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  MISSIONS_WORKSPACES: z.string().optional(),
  MISSIONS_LABEL: z.string().optional(),
  MISSIONS_BRANCH_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$/, "letters, digits, '.', '_', '/' and '-', at most 40, e.g. mission/ or bots/missions-")
    .refine((value) => !value.includes("..") && !value.includes("//") && !value.endsWith(".") && !/\.lock(\/|$)/.test(value), "not a valid start of a git branch name")
    .optional(),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: z.string().url().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  MISSIONS_BUDGET_USD: positiveNumber(20),
  MISSIONS_BUDGET_MAX_USD: positiveNumber(100),
  MISSIONS_COMMAND_TIMEOUT_SECONDS: positiveNumber(600),
  // A maximum left unset is the default itself: repositories may raise a limit only once the operator opts in.
  MISSIONS_COMMAND_TIMEOUT_MAX_SECONDS: positiveNumber(Number.NaN),
  MISSIONS_WORKER_TURNS: positiveInteger(80),
  MISSIONS_WORKER_TURNS_MAX: positiveInteger(Number.NaN),
  MISSIONS_WORKER_MINUTES: positiveNumber(60),
  MISSIONS_WORKER_MINUTES_MAX: positiveNumber(Number.NaN),
  MISSIONS_CONTINUATIONS: wholeNumber(3),
  MISSIONS_CONTINUATIONS_MAX: wholeNumber(Number.NaN),
  MISSIONS_MODEL_TIMEOUT_SECONDS: positiveNumber(600),
  MISSIONS_PRICES: z.string().optional(),
  MISSIONS_SANDBOX: z.enum(["on", "off"]).optional(),
  MISSIONS_COMMITS: z.enum(["api", "push"]).optional(),
  MISSIONS_NETWORK_ALLOW: z.string().optional(),
  MISSIONS_HIDDEN_PATHS: z.string().optional(),
  MISSIONS_MCP_SERVERS: z.string().optional(),
  MISSIONS_CHROMIUM: z.string().optional(),
  MISSIONS_CA_FILE: z.string().optional(),
  MISSIONS_NPM_REGISTRY: mirrorUrl(),
  MISSIONS_PIP_INDEX_URL: mirrorUrl(),
  PRIVATE_KEY_PATH: z.string().optional(),
  HOME: z.string().optional(),
  LOG_LEVEL: z.string().optional(),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  NODE_ENV: z.string().optional(),
  MISSIONS_PUBLIC_URL: z.string().url().optional(),
  MISSIONS_DASHBOARD_TOKEN: z.string().min(16, "use at least 16 characters (e.g. openssl rand -hex 32)").optional(),
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  MISSIONS_METRICS_TOKEN: z.string().min(16, "use at least 16 characters (e.g. openssl rand -hex 32)").optional(),
  MISSIONS_METRICS_PUBLIC: z.enum(["true", "false"]).optional(),
  WEBHOOK_PROXY_URL: z.string().url().optional(),
  NO_SMEE_SETUP: z.string().optional(),
  GH_ORG: z.string().optional(),
  MISSIONS_CONTROL_EDIT_INTERVAL_SECONDS: numberVariable(5, (number) => Number.isFinite(number) && number >= 0, "a number of seconds"),
  MISSIONS_STEPS_AT_ONCE: positiveInteger(4),
  MISSIONS_BROWSERS_AT_ONCE: positiveInteger(2),
  MISSIONS_QUEUE_HEARTBEAT_SECONDS: numberVariable(30, (number) => Number.isInteger(number) && number >= 10, "a whole number of seconds, at least 10"),
  MISSIONS_QUEUE_CHECK_SECONDS: positiveInteger(10),
});

const DEFAULT_MODELS: Record<string, string> = {
  anthropic: "claude-sonnet-5-5",
  openai: "gpt-5.1",
};
const VALIDATORS: RoleName[] = ["scrutiny", "reviewer", "user-testing"];
const PROVIDER_NAME = /^MISSIONS_PROVIDER_([A-Z0-9_]+)_BASE_URL$/;

/** Builds the operator's configuration from an environment; problems are listed, not thrown one by one. */
export function readOperatorConfig(env: Record<string, string | undefined>, options: { appDirectory?: string; envFile?: string } = {}): OperatorConfig {
  // An empty variable means "not set", as in most shells' and process managers' conventions.
  env = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration in the environment:\n- ${problems.join("\n- ")}`);
  }
  const values = parsed.data;
  const providers: Record<string, ProviderSettings> = {};
  if (values.ANTHROPIC_API_KEY) {
    providers.anthropic = { protocol: "anthropic", apiKey: values.ANTHROPIC_API_KEY, baseUrl: values.ANTHROPIC_BASE_URL };
  }
  if (values.OPENAI_API_KEY) {
    providers.openai = { protocol: "openai", apiKey: values.OPENAI_API_KEY, baseUrl: values.OPENAI_BASE_URL, api: openaiApi(env, "MISSIONS_OPENAI_API", values.OPENAI_BASE_URL ? "chat" : "responses") };
  }
  for (const [name, provider] of Object.entries(providers)) provider.defaultModel = DEFAULT_MODELS[name];
  Object.assign(providers, namedProviders(env));
  const models = chooseModels(env, providers);
  const prices = parseOperatorPrices(values.MISSIONS_PRICES);
  const modelProblems = findModelProblems({
    providers,
    choices: ROLE_NAMES.map((role) => {
      const effort = effortVariable(env, role);
      return { role, model: models[role], variable: choosingVariable(env, models, role), ...(effort ? { effort: { value: env[effort]!.trim(), variable: effort } } : {}) };
    }),
    prices: new PriceTable(prices),
  });
  if (values.APP_ID && !values.WEBHOOK_SECRET) {
    // Probot would fall back to "development": anyone could then sign webhooks as GitHub.
    throw new Error("Invalid configuration: WEBHOOK_SECRET is required once APP_ID is set (the secret you gave GitHub for this app's webhooks).");
  }
  if (values.MISSIONS_BUDGET_USD > values.MISSIONS_BUDGET_MAX_USD) {
    throw new Error("Invalid configuration: MISSIONS_BUDGET_USD is above MISSIONS_BUDGET_MAX_USD");
  }
  const orDefault = (max: number, fallback: number) => (Number.isNaN(max) ? fallback : max);
  const limits = {
    defaults: {
      workerTurns: values.MISSIONS_WORKER_TURNS,
      workerMinutes: values.MISSIONS_WORKER_MINUTES,
      commandTimeoutSeconds: values.MISSIONS_COMMAND_TIMEOUT_SECONDS,
      continuations: values.MISSIONS_CONTINUATIONS,
    },
    max: {
      workerTurns: orDefault(values.MISSIONS_WORKER_TURNS_MAX, values.MISSIONS_WORKER_TURNS),
      workerMinutes: orDefault(values.MISSIONS_WORKER_MINUTES_MAX, values.MISSIONS_WORKER_MINUTES),
      commandTimeoutSeconds: orDefault(values.MISSIONS_COMMAND_TIMEOUT_MAX_SECONDS, values.MISSIONS_COMMAND_TIMEOUT_SECONDS),
      continuations: orDefault(values.MISSIONS_CONTINUATIONS_MAX, values.MISSIONS_CONTINUATIONS),
    },
  };
  for (const [variable, key] of [["MISSIONS_WORKER_TURNS", "workerTurns"], ["MISSIONS_WORKER_MINUTES", "workerMinutes"], ["MISSIONS_COMMAND_TIMEOUT_SECONDS", "commandTimeoutSeconds"], ["MISSIONS_CONTINUATIONS", "continuations"]] as const) {
    if (limits.defaults[key] > limits.max[key]) {
      const max = variable === "MISSIONS_COMMAND_TIMEOUT_SECONDS" ? "MISSIONS_COMMAND_TIMEOUT_MAX_SECONDS" : `${variable}_MAX`;
      throw new Error(`Invalid configuration: ${variable} (${limits.defaults[key]}) is above ${max} (${limits.max[key]})`);
    }
  }
  if (!!values.GITHUB_CLIENT_ID !== !!values.GITHUB_CLIENT_SECRET) {
    throw new Error("Invalid configuration: GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET go together (the app's OAuth client, written to .env by the setup flow).");
  }
  const githubWebUrl = values.GHE_HOST ? `${values.GHE_PROTOCOL ?? "https"}://${values.GHE_HOST}` : "https://github.com";
  return {
    appId: values.APP_ID,
    privateKey: values.PRIVATE_KEY,
    webhookSecret: values.WEBHOOK_SECRET ?? "development",
    githubApiUrl: values.GHE_HOST
      ? `${values.GHE_PROTOCOL ?? "https"}://${values.GHE_HOST}/api/v3`
      : "https://api.github.com",
    port: values.PORT,
    host: values.HOST,
    webhookPath: values.WEBHOOK_PATH,
    databasePath: databasePath(values.DATABASE_URL),
    databaseUrl: postgresUrl(values.DATABASE_URL),
    workspaceRoot: values.MISSIONS_WORKSPACES ?? ".data/workspaces",
    label: values.MISSIONS_LABEL ?? "mission",
    branchPrefix: values.MISSIONS_BRANCH_PREFIX ?? DEFAULT_BRANCH_PREFIX,
    providers,
    models,
    pinnedRoles: ROLE_NAMES.filter((role) => !!env[roleVariable(role)]),
    effort: chooseEfforts(env),
    modelProblems,
    budget: { defaultUsd: values.MISSIONS_BUDGET_USD, maxUsd: values.MISSIONS_BUDGET_MAX_USD },
    commandTimeoutMs: values.MISSIONS_COMMAND_TIMEOUT_SECONDS * 1000,
    limits,
    modelTimeoutMs: values.MISSIONS_MODEL_TIMEOUT_SECONDS * 1000,
    prices,
    sandbox: values.MISSIONS_SANDBOX !== "off",
    commits: values.MISSIONS_COMMITS ?? "api",
    chromiumPath: values.MISSIONS_CHROMIUM ?? "/usr/bin/chromium",
    networkAllow: values.MISSIONS_NETWORK_ALLOW?.split(",").map((host) => host.trim()).filter(Boolean),
    mcpServers: parseMcpServers(values.MISSIONS_MCP_SERVERS),
    secretPaths: [
      // The app's own directory: `.env`, a key file Probot found there, the default store.
      ...(options.appDirectory ? [options.appDirectory] : [".env"]),
      // The `.env` the app reads, wherever MISSIONS_ENV_FILE puts it (the data volume in the image).
      ...(options.envFile ? [options.envFile] : []),
      ...(values.MISSIONS_HIDDEN_PATHS?.split(",").map((path) => path.trim()).filter(Boolean) ?? []),
      ...(values.PRIVATE_KEY_PATH ? [values.PRIVATE_KEY_PATH] : []),
      // The app user's home: credentials, and the tool caches the sandbox library would leave writable.
      ...(values.HOME ? [values.HOME] : []),
    ],
    toolPath: env.PATH || "/usr/local/bin:/usr/bin:/bin",
    packageSources: { caFile: values.MISSIONS_CA_FILE, npmRegistry: values.MISSIONS_NPM_REGISTRY, pipIndexUrl: values.MISSIONS_PIP_INDEX_URL },
    logLevel: values.LOG_LEVEL ?? "info",
    logFormat: values.LOG_FORMAT ?? (values.NODE_ENV === "production" ? "json" : "pretty"),
    githubWebUrl,
    publicUrl: values.MISSIONS_PUBLIC_URL?.replace(/\/+$/, ""),
    dashboard: {
      token: values.MISSIONS_DASHBOARD_TOKEN,
      oauth: values.GITHUB_CLIENT_ID && values.GITHUB_CLIENT_SECRET ? { clientId: values.GITHUB_CLIENT_ID, clientSecret: values.GITHUB_CLIENT_SECRET } : undefined,
    },
    metrics: { token: values.MISSIONS_METRICS_TOKEN, public: values.MISSIONS_METRICS_PUBLIC === "true" },
    controlEditIntervalMs: values.MISSIONS_CONTROL_EDIT_INTERVAL_SECONDS * 1000,
    queue: { stepsAtOnce: values.MISSIONS_STEPS_AT_ONCE, heartbeatSeconds: values.MISSIONS_QUEUE_HEARTBEAT_SECONDS, checkSeconds: values.MISSIONS_QUEUE_CHECK_SECONDS },
    browsersAtOnce: values.MISSIONS_BROWSERS_AT_ONCE,
    webhookProxyUrl: values.WEBHOOK_PROXY_URL,
    // Probot's rule, and no channel either when GitHub can reach the app at its public URL.
    createWebhookChannel: !values.WEBHOOK_PROXY_URL && !values.MISSIONS_PUBLIC_URL && values.NODE_ENV !== "production" && values.NO_SMEE_SETUP !== "true",
    githubOrganization: values.GH_ORG,
    envFile: options.envFile ?? ".env",
  };
}

const EFFORTS = ["low", "medium", "high"] as const;

/** An effort per role: the role's own `MISSIONS_EFFORT_<ROLE>`, else `MISSIONS_EFFORT`, else none (the provider's default). */
function chooseEfforts(env: Record<string, string | undefined>): Partial<Record<RoleName, Effort>> {
  const read = (variable: string): Effort | undefined => {
    const value = env[variable]?.trim().toLowerCase();
    if (!value) return undefined;
    if (!(EFFORTS as readonly string[]).includes(value)) throw new Error(`Invalid configuration: ${variable}: expected low, medium or high, got "${env[variable]}"`);
    return value as Effort;
  };
  const all = read("MISSIONS_EFFORT");
  const chosen: Partial<Record<RoleName, Effort>> = {};
  for (const role of ROLE_NAMES) {
    // The repair planner is the orchestrator's kind of work: it thinks as hard unless set apart.
    const effort = read(`MISSIONS_EFFORT_${role.toUpperCase().replace("-", "_")}`) ?? (role === "repair-planner" ? chosen.orchestrator : undefined) ?? all;
    if (effort) chosen[role] = effort;
  }
  return chosen;
}

/** The variable that chose a role's effort, if one did (as `chooseEfforts` reads them). */
function effortVariable(env: Record<string, string | undefined>, role: RoleName): string | undefined {
  const own = `MISSIONS_EFFORT_${role.toUpperCase().replace("-", "_")}`;
  if (env[own]?.trim()) return own;
  if (role === "repair-planner") {
    const orchestrator = effortVariable(env, "orchestrator");
    if (orchestrator) return orchestrator;
  }
  return env.MISSIONS_EFFORT?.trim() ? "MISSIONS_EFFORT" : undefined;
}

/** The variable that chose a role's model, if one did: the repair planner's is the orchestrator's unless it has its own. */
function choosingVariable(env: Record<string, string | undefined>, models: Record<RoleName, string>, role: RoleName): string | undefined {
  if (env[roleVariable(role)]) return roleVariable(role);
  if (role === "repair-planner") return choosingVariable(env, models, "orchestrator");
  return env.MISSIONS_MODEL && models[role] === env.MISSIONS_MODEL ? "MISSIONS_MODEL" : undefined;
}

/** `user-testing` → `MISSIONS_MODEL_USER_TESTING`. */
function roleVariable(role: RoleName): string {
  return `MISSIONS_MODEL_${role.toUpperCase().replace("-", "_")}`;
}

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

/** `DATABASE_URL` as `sqlite:path`, `file:path` or a plain path; default `.data/missions.db` (also with PostgreSQL). */
function databasePath(url: string | undefined): string {
  if (!url || POSTGRES_URL.test(url)) return ".data/missions.db";
  const match = /^(?:sqlite|file):(?:\/\/)?(.*)$/.exec(url);
  if (match) return match[1]!;
  if (/^[a-z]+:\/\//i.test(url)) throw new Error(`DATABASE_URL: SQLite (sqlite:path) and PostgreSQL (postgres://…) are supported, got ${url.split(":")[0]}:`);
  return url;
}

/** A `postgres://` (or `postgresql://`) `DATABASE_URL`, checked to parse; never repeated in the error (it holds a password). */
function postgresUrl(url: string | undefined): string | undefined {
  if (!url || !POSTGRES_URL.test(url)) return undefined;
  if (!URL.canParse(url)) {
    throw new Error("Invalid configuration: DATABASE_URL is not a valid PostgreSQL URL: expected postgres://user:password@host:5432/database (characters such as @ : / # in the password percent-encoded)");
  }
  return url;
}

/**
 * OpenAI-compatible providers the operator names: `MISSIONS_PROVIDER_<NAME>_BASE_URL` (required),
 * `_API_KEY` (optional: local servers often need none) and `_MODEL` (its default model).
 */
function namedProviders(env: Record<string, string | undefined>): Record<string, ProviderSettings> {
  const found: Record<string, ProviderSettings> = {};
  for (const [key, baseUrl] of Object.entries(env)) {
    const match = PROVIDER_NAME.exec(key);
    if (!match || !baseUrl) continue;
    const variable = match[1]!;
    const name = variable.toLowerCase().replace(/_/g, "-");
    if (name === "anthropic" || name === "openai") throw new Error(`Invalid configuration: ${key}: "${name}" is a built-in provider; use ${name.toUpperCase()}_BASE_URL`);
    if (!z.string().url().safeParse(baseUrl).success) throw new Error(`Invalid configuration: ${key}: expected a URL, got "${baseUrl}"`);
    found[name] = {
      protocol: "openai",
      baseUrl,
      apiKey: env[`MISSIONS_PROVIDER_${variable}_API_KEY`] || "none",
      defaultModel: env[`MISSIONS_PROVIDER_${variable}_MODEL`] || undefined,
      api: openaiApi(env, `MISSIONS_PROVIDER_${variable}_API`, "chat"),
    };
  }
  return found;
}

/** `MISSIONS_OPENAI_API` / `MISSIONS_PROVIDER_<NAME>_API`: `responses` or `chat`, else the fallback. */
function openaiApi(env: Record<string, string | undefined>, variable: string, fallback: "responses" | "chat"): "responses" | "chat" {
  const value = env[variable]?.trim().toLowerCase();
  if (!value) return fallback;
  if (value !== "responses" && value !== "chat") throw new Error(`Invalid configuration: ${variable}: expected responses or chat, got "${env[variable]}"`);
  return value;
}

/**
 * A model per role: the role's own variable, else MISSIONS_MODEL, else the first provider's default.
 * Validators left to the defaults use a different provider from the worker's when there is one, so
 * the checking mind is not the same as the working one.
 */
function chooseModels(env: Record<string, string | undefined>, providers: Record<string, ProviderSettings>): Record<RoleName, string> {
  const explicit = (role: RoleName) => env[roleVariable(role)];
  const withDefault = Object.entries(providers).filter(([, provider]) => provider.defaultModel);
  const first = withDefault[0];
  const fallback = env.MISSIONS_MODEL || (first ? `${first[0]}/${first[1].defaultModel}` : "anthropic/claude-sonnet-5-5");
  const models = Object.fromEntries(ROLE_NAMES.map((role) => [role, explicit(role) || fallback])) as Record<RoleName, string>;
  // The repair planner runs on the orchestrator's model unless the operator sets one for it.
  if (!explicit("repair-planner")) models["repair-planner"] = models.orchestrator;
  const workerProvider = models.worker.split("/")[0];
  const other = withDefault.find(([name]) => name !== workerProvider);
  if (other) {
    for (const role of VALIDATORS) if (!explicit(role)) models[role] = `${other[0]}/${other[1].defaultModel}`;
  }
  return models;
}
