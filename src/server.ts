import type { Logger, LoggerOptions } from "pino";
import { pino } from "pino";
import pretty from "pino-pretty";
import { Probot, Server } from "probot";
import { missionsApp } from "./app.ts";
import type { OperatorConfig } from "./config/index.ts";
import { Engine, Intake } from "./engine/index.ts";
import { createOutboundRedactor, createRedactor, missionsOctokit, OctokitGitHub, redactLogLine } from "./github/index.ts";
import { ModelRegistry, PriceTable } from "./models/index.ts";
import { Dashboard, DashboardAuth, MissionFeed } from "./control/index.ts";
import { MissionsMetrics } from "./metrics/index.ts";
import { ACTIVE_STATUSES } from "./mission/index.ts";
import { isLocalMission } from "./mission/local-mission.ts";
import { landingPage, startWebhookRelay } from "./startup/index.ts";
import type { AddressInfo } from "node:net";
import { databasePassword, ObservedStore, openStore, PostgresChangeFeed, PostgresMissionStore, type MissionStore, type StoreChange } from "./store/index.ts";
import { StepQueue } from "./engine/step-queue.ts";
import { Slots } from "./engine/slots.ts";
import { dirname, join, resolve } from "node:path";
import { commandPath, DEFAULT_ALLOWED_DOMAINS, GitWorkspace, prepareScratchRoot, removeScratchRoot, SandboxedRunner, SOCKET_DIRECTORIES, trustEnvironment, UnconfinedRunner, type CommandRunner } from "./workspace/index.ts";
import { boundWebhookBodies } from "./github/bounded-webhooks.ts";
import { mcpSecrets } from "./agent/mcp/mcp-servers-config.ts";

export interface MissionsServer {
  url: string;
  store: MissionStore;
  engine: Engine;
  intake: Intake;
  /** The shared step queue, with PostgreSQL: missions are driven by its jobs, on any instance. */
  queue?: StepQueue;
  log: Logger;
  /** Resolves when no delivery and no mission is being worked on. */
  idle(): Promise<void>;
  /** Live dashboard pages open now. */
  liveStreams(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Base delay before a failed step is retried (doubles each time). */
  retryDelayMs?: number;
  maxStepRetries?: number;
  /** Pace GitHub writes as GitHub asks (default). Tests against a local fake turn it off. */
  paceGitHub?: boolean;
  /** Base delay before a failed model call is retried (default 1 s; `retry-after` wins). */
  modelRetryBaseMs?: number;
  /** Where commands run, instead of the one the configuration chooses (tests). */
  runner?: CommandRunner;
  /** Base delay of Octokit's retries of GitHub's 5xx answers (default 1 s). */
  githubRetryBaseMs?: number;
  /** Least time between two edits of a control comment, instead of the configuration's (tests). */
  controlEditIntervalMs?: number;
}

/** The composition root: builds every part from the operator's configuration and starts serving. */
export async function startMissions(config: OperatorConfig, options: StartOptions = {}): Promise<MissionsServer> {
  if (!config.appId || !config.privateKey) throw new Error("APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required to run the app.");
  // The entry point serves a page naming the variables instead; a library caller gets them here.
  if (config.modelProblems.length > 0) throw new Error(config.modelProblems.map((problem) => problem.message).join("\n"));
  const log = options.log ?? createLogger(config);
  const prices = new PriceTable(config.prices);
  checkPrices(config, prices, log);
  const feed = new MissionFeed();
  const listeners: Array<(change: StoreChange) => void> = [(change) => feed.publish(missionOf(change))];
  // Every accepted write nudges the live dashboard pages and counts in the metrics. Opening a SQLite
  // store takes its lock: a second instance on the same file stops here (StoreLockedError).
  const opened = await openStore(config);
  const store: MissionStore = new ObservedStore(opened, (change) => {
    for (const listener of listeners) listener(change);
  });
  // PostgreSQL: missions are driven through the shared queue, by whichever instance takes a job.
  let queue: StepQueue | undefined;
  if (opened instanceof PostgresMissionStore && config.databaseUrl) {
    try {
      queue = await StepQueue.open({ databaseUrl: config.databaseUrl, log, ...config.queue });
    } catch (error) {
      await store.close();
      throw error;
    }
    const shared = queue;
    opened.commitWith({
      mission: (client, missionId) => shared.kick(missionId, client),
      delivery: (client) => shared.scheduleDrain(client),
      claim: (client, claim) => shared.holds(client, claim),
    });
  }
  // PostgreSQL: a change made by another instance nudges this one's live pages too (LISTEN/NOTIFY), and this one's, theirs.
  let changes: PostgresChangeFeed | undefined;
  if (opened instanceof PostgresMissionStore && config.databaseUrl) {
    const told = await PostgresChangeFeed.start(config.databaseUrl, log.child({ concern: "changes" }), (missionId) => feed.publish(missionId));
    changes = told;
    listeners.push((change) => told.publish(missionOf(change)));
  }
  const metrics = new MissionsMetrics(store, queue);
  listeners.push((change) => metrics.observe(change));
  const models = new ModelRegistry(config.providers, config.models, { timeoutMs: config.modelTimeoutMs, pinned: new Set(config.pinnedRoles) });
  // A start that fails after this point lets go of the store's lock and the scratch root.
  let commands: ReturnType<typeof commandSetup>;
  try {
    commands = commandSetup(config);
  } catch (error) {
    await changes?.close();
    await queue?.stop();
    await store.close();
    throw error;
  }
  const runner: CommandRunner = options.runner ?? commands.runner;
  if (!config.sandbox) log.warn("MISSIONS_SANDBOX=off: repository and agent commands run without a sandbox");
  let intake: Intake | undefined;
  let engine: Engine | undefined;
  const server = new Server({
    Probot: Probot.defaults({
      appId: config.appId,
      privateKey: config.privateKey,
      secret: config.webhookSecret,
      baseUrl: config.githubApiUrl,
      log,
      Octokit: missionsOctokit({
        secondaryLimitRetries: 3,
        pace: options.paceGitHub ?? true,
        retryBaseMs: options.githubRetryBaseMs,
        onRequest: (call) => metrics.githubCall(call),
      }),
    }),
    port: config.port,
    host: config.host,
    webhookPath: config.webhookPath,
    log,
    loggingOptions: {
      // The sign-in callback carries a one-time code and state in its URL: never logged.
      autoLogging: { ignore: (request) => (request.url ?? "").startsWith("/missions/auth/") },
    },
  });
  let selfUrl = config.publicUrl ?? `http://${config.host ?? "localhost"}:${config.port}`;
  // The sanitiser: the operator's secrets and this app's credential rules (fast, synchronous: logs and
  // commit messages), and for text that leaves the app — GitHub, the dashboard — secretlint's rule set too.
  const redact = createRedactor(operatorSecrets(config));
  const redactOutbound = createOutboundRedactor(redact);
  const dashboard = new Dashboard({
    store,
    feed,
    log: log.child({ concern: "dashboard" }),
    githubWebUrl: config.githubWebUrl,
    auth: new DashboardAuth({
      token: config.dashboard.token,
      oauth: config.dashboard.oauth,
      githubWebUrl: config.githubWebUrl,
      githubApiUrl: config.githubApiUrl,
      publicUrl: () => config.publicUrl ?? selfUrl,
      // Sessions and sign-ins begun are the store's: every instance on it knows them.
      shared: store,
    }),
    metrics,
    metricsAccess: config.metrics,
    redact: redactOutbound,
    // Where the user-testing validator keeps its screenshots (as the validate step writes them).
    evidenceRoot: join(config.workspaceRoot, ".evidence"),
    ...(queue ? { queued: async () => new Set(await queue!.queuedMissions()) } : {}),
  });
  if (!config.dashboard.token && !config.dashboard.oauth) log.info("dashboard sign-in is off: set MISSIONS_DASHBOARD_TOKEN, or GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET");
  await server.load(async (app, appOptions) => {
    const github = new OctokitGitHub(app, redactOutbound);
    const workspace = new GitWorkspace(config.workspaceRoot, config.toolPath);
    const shared = opened instanceof PostgresMissionStore ? opened : undefined;
    engine = new Engine({
      store,
      github,
      ...(queue ? { stillQueued: (missionId: string) => queue!.isQueued(missionId) } : {}),
      ...(shared ? { controlState: { read: (missionId: string) => shared.readControl(missionId), written: (missionId: string, body: string, at: number) => shared.writeControl(missionId, body, at) } } : {}),
      redact,
      models,
      prices,
      workspace,
      browsers: new Slots(config.browsersAtOnce),
      runner,
      log,
      settings: {
        defaultBudgetUsd: config.budget.defaultUsd,
        modelRetryBaseMs: options.modelRetryBaseMs,
        commandTimeoutMs: config.commandTimeoutMs,
        limits: config.limits.defaults,
        toolPath: commands.toolPath,
        chromiumPath: config.chromiumPath,
        maxBudgetUsd: config.budget.maxUsd,
        retryDelayMs: options.retryDelayMs ?? 5_000,
        maxStepRetries: options.maxStepRetries ?? 5,
        controlEditIntervalMs: options.controlEditIntervalMs ?? config.controlEditIntervalMs,
        githubWebUrl: config.githubWebUrl,
        publicUrl: config.publicUrl,
        branchPrefix: config.branchPrefix,
        effort: config.effort,
        commits: config.commits,
        mcpServers: config.mcpServers,
      },
    });
    const sharedQueue = queue;
    const local = engine;
    intake = new Intake({
      store,
      github,
      // The queue's kick resolves once the job is sent; the loop's once the mission waits, so it is not awaited.
      engine: sharedQueue ? { kick: (missionId) => sharedQueue.kick(missionId) } : { kick: async (missionId) => void local.kick(missionId) },
      ...(sharedQueue
        ? { scheduleDrain: (delayMs: number) => void sharedQueue.scheduleDrain(undefined, delayMs).catch((error: unknown) => log.error({ err: error }, "could not schedule the deliveries' drain")) }
        : {}),
      log,
      settings: {
        label: config.label,
        providers: () => models.providerNames,
        isPriced: (model) => prices.lookup(model) !== undefined,
        maxBudgetUsd: config.budget.maxUsd,
        defaultBudgetUsd: config.budget.defaultUsd,
        maxLimits: config.limits.max,
        mcpServers: config.mcpServers.map((server) => server.name),
      },
      retryDelayMs: options.retryDelayMs ?? 2_000,
    });
    await missionsApp({
      intake: () => intake!,
      health: async () => {
        const counts = await store.countMissionsByStatus();
        const activeMissions = ACTIVE_STATUSES.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
        if (!queue) return { activeMissions, store: "sqlite" };
        const depth = await queue.depth();
        return { activeMissions, store: "postgres", queue: { waiting: depth.waiting, running: depth.running, runningHere: queue.runningHere, oldestWaitingMs: depth.oldestWaitingMs } };
      },
      dashboard: dashboard.handle,
      home: landingPage({
        label: config.label,
        githubWebUrl: config.githubWebUrl,
        installUrl: async () => {
          const octokit = await app.auth();
          const { data } = await octokit.request("GET /app", { request: { signal: AbortSignal.timeout(5_000) } });
          return data?.html_url ? `${data.html_url}/installations/new` : undefined;
        },
      }),
    })(app, appOptions);
  });
  const http = await server.start().catch(async (error: unknown) => {
    // A port in use: nothing is left held for the next attempt.
    await changes?.close();
    await queue?.stop();
    await store.close();
    removeScratchRoot(commands.runner.scratchRoot);
    throw error;
  });
  boundWebhookBodies(http);
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  selfUrl = `http://${config.host ?? "localhost"}:${port}`;
  // Local development: the smee.io channel GitHub posts to, relayed to the webhook endpoint.
  const relay = config.webhookProxyUrl
    ? startWebhookRelay({ source: config.webhookProxyUrl, target: `${loopbackUrl(address, port)}${config.webhookPath ?? "/api/github/webhooks"}`, log })
    : undefined;
  // Work left by a previous run: deliveries received but not processed, missions not finished.
  if (queue) {
    // Every instance offers each unfinished mission a turn: a mission that has a job keeps it (one per mission).
    await queue.scheduleDrain();
    // Local missions (`missions run` on the same database) are their CLI's to drive, never the app's.
    for (const mission of await store.listMissions({ active: true })) if (!isLocalMission(mission)) await queue.kick(mission.id);
    await queue.work(engine!, () => intake!.drain());
    // A mission whose turn waits for a free instance says "queued" on its control comment and live pages.
    const driving = engine!;
    queue.watchQueued((missionId, queued, leads) => {
      feed.publish(missionId);
      // One instance edits the comments (every instance sees the same queue); each refreshes its own live pages.
      if (leads) void driving.showQueued(missionId, queued).catch((error: unknown) => log.warn({ err: error, mission: missionId }, "could not show the mission as queued"));
    });
  } else {
    void intake!.drain();
    await engine!.resumeAll();
  }
  return {
    url: `http://${config.host ?? "localhost"}:${port}`,
    store,
    engine: engine!,
    intake: intake!,
    ...(queue ? { queue } : {}),
    log,
    liveStreams: () => dashboard.liveStreams,
    async idle() {
      if (queue) {
        // Every instance's jobs: done when none waits or runs, twice in a row.
        for (let quiet = 0; quiet < 2; ) {
          await engine!.idle();
          quiet = (await queue.empty()) ? quiet + 1 : 0;
          if (quiet < 2) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return;
      }
      for (let round = 0; round < 2; round++) {
        await intake!.drain();
        await engine!.idle();
      }
    },
    async stop() {
      intake!.stop();
      // The engine cuts the steps in flight short; the queue waits for their jobs, each leaving its mission's next turn.
      const stopping = engine!.stop();
      await queue?.stop();
      await stopping;
      dashboard.close();
      await changes?.close();
      await relay?.stop();
      if (runner instanceof SandboxedRunner) await SandboxedRunner.stop();
      removeScratchRoot(commands.runner.scratchRoot);
      await server.stop();
      await store.close();
    },
  };
}

/**
 * Where repository and agent commands run, and the PATH they get. The sandbox hides the app's
 * directory, its home, the store, every checkout and the host's socket directories; what commands
 * need of those (the app's Node, the operator's CA bundle) is made readable by name, nothing more.
 */
export function commandSetup(config: OperatorConfig): { runner: CommandRunner; toolPath: string } {
  // On PostgreSQL several instances may share a host and a working directory: each gets a scratch root of its own
  // (one instance starting or stopping would otherwise empty the other's).
  const scratchRoot = prepareScratchRoot(config.databaseUrl ? `${resolve(config.databasePath)}#${process.pid}` : resolve(config.databasePath));
  let trust: ReturnType<typeof trustEnvironment>;
  try {
    trust = trustEnvironment(config.packageSources, join(scratchRoot, "trust"));
  } catch (error) {
    removeScratchRoot(scratchRoot);
    throw error;
  }
  if (!config.sandbox) return { runner: new UnconfinedRunner({ scratchRoot, environment: trust.environment }), toolPath: config.toolPath };
  // The scratch root too: each command is allowed its own HOME, never another mission's.
  const hidden = [resolve(config.workspaceRoot), dirname(resolve(config.databasePath)), scratchRoot, ...config.secretPaths.map((path) => resolve(path))];
  const path = commandPath(config.toolPath, [...hidden, ...SOCKET_DIRECTORIES], process.execPath);
  const runner = new SandboxedRunner({
    allowedDomains: sandboxAllowedDomains(config, trust.hosts),
    hidden,
    readable: [...path.readable, ...trust.readable],
    scratchRoot,
    environment: trust.environment,
  });
  return { runner, toolPath: path.path };
}

/**
 * The hosts sandboxed commands may reach: the operator's allowlist and the package mirrors. Not the
 * operator's HTTP MCP servers' hosts: the app reaches those itself, and no command needs to.
 */
export function sandboxAllowedDomains(config: Pick<OperatorConfig, "networkAllow">, mirrorHosts: readonly string[]): string[] {
  return [...(config.networkAllow ?? DEFAULT_ALLOWED_DOMAINS), ...mirrorHosts];
}

/** This process's own address, as a relay on the same host reaches it (a wildcard address is not one). */
function loopbackUrl(address: string | AddressInfo | null, port: number): string {
  const host = typeof address === "object" && address ? address.address : "127.0.0.1";
  if (host === "0.0.0.0") return `http://127.0.0.1:${port}`;
  if (host === "::") return `http://[::1]:${port}`;
  return host.includes(":") ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

function missionOf(change: StoreChange): string {
  return change.kind === "mission" ? change.missionId : change.kind === "event" ? change.event.missionId : change.entry.missionId;
}

/** The operator's own secrets: never in a text the app posts, commits or logs, in any encoding. */
export function operatorSecrets(config: OperatorConfig): string[] {
  return [
    config.webhookSecret,
    config.privateKey,
    ...Object.values(config.providers).map((provider) => provider.apiKey),
    config.dashboard.token,
    config.dashboard.oauth?.clientSecret,
    config.metrics.token,
    config.databaseUrl ? databasePassword(config.databaseUrl) : undefined,
    ...mcpSecrets(config.mcpServers),
  ].filter((secret): secret is string => !!secret);
}

/**
 * The logger's options: its level, the paths whose values never reach a log line, and `redact`
 * (the sanitiser of posted text) over every line written.
 */
export function loggerOptions(level: string, redact?: (text: string) => string): LoggerOptions {
  return {
    level,
    ...(redact ? { hooks: { streamWrite: redactLogLine(redact) } } : {}),
    redact: {
      // Probot logs each request with its headers: the dashboard's and /metrics' credentials stay out.
      paths: ["*.token", "*.privateKey", "*.apiKey", "*.authorization", "headers.authorization", "req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
      censor: "[redacted]",
    },
  };
}

/** The app's logger: JSON lines in production, pretty in a terminal. */
export function createLogger(config: OperatorConfig): Logger {
  const options = loggerOptions(config.logLevel, createRedactor(operatorSecrets(config)));
  return config.logFormat === "json" ? pino(options) : pino(options, pretty({ colorize: true, ignore: "pid,hostname" }));
}

/** Every default model must have a price before any mission spends money on it. */
function checkPrices(config: OperatorConfig, prices: PriceTable, log: Logger): void {
  const models = [...new Set(Object.values(config.models))];
  const unpriced = models.filter((model) => !prices.find(model));
  if (unpriced.length > 0) {
    throw new Error(`No price is known for ${unpriced.join(", ")}: set MISSIONS_PRICES, e.g. {"${unpriced[0]}": {"input": 3, "output": 15}} (USD per million tokens).`);
  }
  for (const model of models) {
    const found = prices.find(model)!;
    if (found.source === "family") {
      log.warn({ model, price: found.price }, "priced as its model family's latest known price; set MISSIONS_PRICES if it differs");
    }
  }
}
