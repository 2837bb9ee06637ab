import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Mission } from "../../../src/mission/index.ts";
import { PostgresMissionStore, SqliteMissionStore, type MissionEvent, type MissionStore, type UsageEntry } from "../../../src/store/index.ts";
import { missionResponder, type ScriptedPlan } from "../../e2e/mission-script.ts";
import { startFakeGitHub, type CheckRun, type Comment, type DeliveryResult, type FakeGitHub, type HookedRequest, type Pull } from "../../fakes/github/index.ts";
import { startFakeModels, type FakeModels, type NormalizedRequest, type RecordedCall } from "../../fakes/models/index.ts";
import { commitsOn, type LoggedCommit } from "../../helpers/git.ts";
import { AppProcess, operatorEnv } from "./app-process.ts";
import { seededRandom } from "./seeded-random.ts";

export const OWNER = "acme";
export const REPO = "greeter";
export const MAINTAINER = "alice";
export const ANTHROPIC_KEY = "sk-ant-chaos-key-0123456789abcdef";

/** Where a kill landed: the moment the app was doing this. */
export type KillPhase =
  | "planning"
  | "worker-start"
  | "worker-tool-loop"
  | "review"
  | "scrutiny"
  | "between-commit-and-push"
  | "check-run-update"
  | "check-run-update-answered"
  | "comment-posted"
  | "pull-opened"
  | "control-comment-edit"
  | "timer"
  /** A graceful stop (SIGTERM) by `during`: it cancels the step in flight as a kill would, so the ledger check treats it alike. */
  | "graceful-stop";

export interface ChaosOptions {
  /** `FAST_ENTRY` or `MAIN_ENTRY`. */
  entry: string;
  seed: number;
  /** The most kills; when reached the missions run to the end undisturbed. */
  maxKills: number;
  /** Chance of a kill at each hook point after each phase's first (which always kills). */
  probability: number;
  /** Phases whose first occurrence always kills (default: every phase but the timer). */
  forced?: KillPhase[];
  missions: number;
  milestones: number;
  featuresPerMilestone: number;
  timeoutMs: number;
  /**
   * App instances on one store (default 1). With more, `databaseUrl` must be a PostgreSQL database:
   * people's actions are delivered to the instances in turn, and a kill lands on the instance running
   * a step (the one whose /health says it runs one), which is not started again: the others carry on.
   */
  instances?: number;
  /** Several instances: start a killed instance again (the chaos suite), instead of leaving it down. */
  restartKilled?: boolean;
  /** `postgres://…`; default a SQLite file in the run's directory. */
  databaseUrl?: string;
  /** More of the operator's environment (the queue's timings). */
  env?: Record<string, string>;
  /** Called every loop turn with the instances, for a rolling restart; resolves when it has done its part. */
  during?: (apps: AppProcess[], progress: { approved: number; done: number; stopping(): void }) => Promise<void>;
  /** How long the fake model takes to answer each call (a bench's fixed latency; default at once). */
  modelLatencyMs?: number;
}

/**
 * A kill: `generation` counts the starts of all instances when it landed. With several instances,
 * `instance` (an index) and `instanceGeneration` (that instance's starts) say which one died; a kill
 * without them (a graceful stop in a rolling restart) may have cut any instance's calls.
 */
export interface ChaosKill {
  phase: KillPhase;
  at: number;
  generation: number;
  instance?: number;
  instanceGeneration?: number;
  /** How the victim was chosen: the sender of the model call the kill happened in, or one running a step (`/health`). */
  chosenBy?: "call" | "health";
}

/** Who sent a model call: the generation then, whether any app was up, and with several instances which one (from its base URL). */
export interface CallSender {
  generation: number;
  alive: boolean;
  instance?: number;
  instanceGeneration?: number;
}

export interface ChaosResult {
  seed: number;
  kills: ChaosKill[];
  /** For each model call: which start of the app was running when it was answered, and whether it was alive. */
  callSenders: WeakMap<NormalizedRequest, CallSender>;
  starts: number;
  seconds: number;
  issues: number[];
  plan: ScriptedPlan;
  missions: Mission[];
  ledger: UsageEntry[];
  events: MissionEvent[];
  commits: Record<number, LoggedCommit[]>;
  branches: Record<number, string>;
  checkRuns: CheckRun[];
  comments: Record<number, Comment[]>;
  pulls: Pull[];
  calls: RecordedCall[];
  logs: string;
  github: FakeGitHub;
  models: FakeModels;
  gitDir: string;
  dataDir: string;
  close(): Promise<void>;
}

export function chaosPlan(milestones: number, perMilestone: number): { plan: ScriptedPlan; files: Record<string, Record<string, string>> } {
  const plan: ScriptedPlan = { summary: "Greeting files, milestone by milestone.", milestones: [], features: [], assertions: [] };
  const files: Record<string, Record<string, string>> = {};
  for (let m = 1; m <= milestones; m++) {
    plan.milestones.push({ id: `M${m}`, title: `Greetings ${m}` });
    for (let f = 1; f <= perMilestone; f++) {
      const id = `F${plan.features.length + 1}`;
      // One owner per assertion, as the orchestrator's plans must have.
      const assertion = `VAL-GREET-${String(plan.features.length + 1).padStart(3, "0")}`;
      plan.assertions.push({ id: assertion, milestoneId: `M${m}`, statement: `${id}'s files greet`, verification: "sh test.sh passes" });
      plan.features.push({ id, milestoneId: `M${m}`, title: `Add greeting ${id}`, description: `Create ${id.toLowerCase()}-a.txt and ${id.toLowerCase()}-b.txt.`, assertionIds: [assertion] });
      // Two writes: the worker's tool loop has turns to be killed in.
      files[id] = { [`${id.toLowerCase()}-a.txt`]: `hello from ${id}\n`, [`${id.toLowerCase()}-b.txt`]: `hello again from ${id}\n` };
    }
  }
  return { plan, files };
}

const FIXTURE = {
  "README.md": "# Greeter\n",
  "test.sh": "#!/bin/sh\nset -e\nfor f in *.txt; do [ -e \"$f\" ] || exit 0; grep -q hello \"$f\"; done\necho all good\n",
  ".github/missions.yml": "commands:\n  test: sh test.sh\n",
};

function modelPhase(request: NormalizedRequest): KillPhase | undefined {
  const tools = request.tools.map((tool) => tool.name);
  if (tools.includes("submit_plan")) return "planning";
  if (tools.includes("submit_handoff")) return request.messages.length === 1 ? "worker-start" : "worker-tool-loop";
  if (tools.includes("submit_review")) return "review";
  if (tools.includes("submit_verdicts")) return "scrutiny";
  return undefined;
}

function githubPhase(request: HookedRequest, when: "before" | "after"): KillPhase | undefined {
  const { method, path } = request;
  if (when === "before") {
    if (request.kind === "git" && method === "POST" && path.endsWith("/git-receive-pack")) return "between-commit-and-push";
    // Commits made through the Git Data API: the commit exists on GitHub, the branch has not moved yet.
    if ((method === "PATCH" && /\/git\/refs\/heads\//.test(path)) || (method === "POST" && /\/git\/refs$/.test(path))) return "between-commit-and-push";
    if (method === "PATCH" && /\/check-runs\/\d+$/.test(path)) return "check-run-update";
    if (method === "PATCH" && /\/issues\/comments\/\d+$/.test(path)) return "control-comment-edit";
    return undefined;
  }
  if (method === "PATCH" && /\/check-runs\/\d+$/.test(path)) return "check-run-update-answered";
  if (method === "POST" && /\/issues\/\d+\/comments$/.test(path)) return "comment-posted";
  if (method === "POST" && /\/pulls$/.test(path)) return "pull-opened";
  return undefined;
}

/**
 * A multi-feature mission per issue, run by the app as a child process that is SIGKILLed at many
 * points and started again on the same store each time, until every mission is done.
 */
export async function runKillChaos(options: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now();
  const random = seededRandom(options.seed);
  const { plan, files } = chaosPlan(options.milestones, options.featuresPerMilestone);
  const github = await startFakeGitHub({ webhookSecret: `chaos-webhook-secret-${options.seed}` });
  const models = await startFakeModels({ apiKeys: { anthropic: ANTHROPIC_KEY } });
  const repo = await github.createRepo({ owner: OWNER, name: REPO, files: FIXTURE });
  github.setPermission(OWNER, REPO, MAINTAINER, "write");
  const root = await mkdtemp(join(tmpdir(), "missions-chaos-"));
  const dataDir = join(root, "data");
  const appDir = join(root, "app");
  const home = join(root, "home");
  await Promise.all([mkdir(dataDir), mkdir(appDir), mkdir(home)]);
  const logFile = join(root, "app.log");
  const instances = options.instances ?? 1;
  const env = operatorEnv(
    github,
    { home, databaseUrl: options.databaseUrl ?? `sqlite:${join(dataDir, "missions.db")}`, workspaces: join(dataDir, "workspaces") },
    {
      LOG_LEVEL: "debug",
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: models.anthropicBaseUrl,
      MISSIONS_MODEL: "anthropic/claude-sonnet-5-5",
      MISSIONS_COMMAND_TIMEOUT_SECONDS: "60",
      MISSIONS_MODEL_TIMEOUT_SECONDS: "60",
      ...options.env,
    },
  );
  // With several instances each calls the fake models under a path of its own, so a call names its sender.
  const instanceEnv = (index: number) => (instances === 1 ? env : { ...env, ANTHROPIC_BASE_URL: callerBaseUrl(models.anthropicBaseUrl, index) });
  const apps = Array.from({ length: instances }, (_, index) =>
    new AppProcess({ entry: options.entry, env: instanceEnv(index), cwd: appDir, logFile: instances === 1 ? logFile : join(root, `app-${index + 1}.log`), onUp: (url) => github.setWebhookTarget(url) }),
  );
  const [app] = apps as [AppProcess];
  // People's actions go to the instances in turn (GitHub delivers to one address; a load balancer spreads them).
  let nextTarget = 0;
  const spread = () => {
    const up = apps.filter((candidate) => candidate.running);
    if (instances > 1 && up.length > 0) github.setWebhookTarget(`${up[nextTarget++ % up.length]!.url}/api/github/webhooks`);
  };
  const starts = () => apps.reduce((sum, candidate) => sum + candidate.starts, 0);
  /**
   * The instance a kill lands on: with one, the app; with several, the one that sent the model call the
   * kill happens in (it runs the step), else — a GitHub request's kill — one running a step now.
   */
  const victim = async (request?: NormalizedRequest): Promise<AppProcess | undefined> => {
    if (instances === 1) return app.running ? app : undefined;
    const sender = request ? senderOf(request) : undefined;
    if (sender !== undefined) return apps[sender]?.running ? apps[sender] : undefined;
    for (const candidate of apps.filter((running) => running.running)) {
      const health = (await fetch(`${candidate.url}/health`).then((response) => response.json(), () => undefined)) as { queue?: { runningHere?: number } } | undefined;
      if ((health?.queue?.runningHere ?? 0) > 0) return candidate;
    }
    return undefined;
  };

  const kills: ChaosKill[] = [];
  const callSenders = new WeakMap<NormalizedRequest, CallSender>();
  const forced = new Set<KillPhase>(options.forced ?? ["planning", "worker-start", "worker-tool-loop", "review", "scrutiny", "between-commit-and-push", "check-run-update", "check-run-update-answered", "comment-posted", "pull-opened", "control-comment-edit"]);
  let calm = false;
  const killAt = async (phase: KillPhase, request?: NormalizedRequest): Promise<void> => {
    if (calm || kills.length >= options.maxKills) return;
    const first = !kills.some((kill) => kill.phase === phase);
    if (!(first && forced.has(phase))) {
      // Random kills leave room for the forced phases not reached yet, so each one still gets its kill.
      const owed = [...forced].filter((candidate) => !kills.some((kill) => kill.phase === candidate)).length;
      if (kills.length >= options.maxKills - owed || random() >= options.probability) return;
    }
    // The kill is counted before the victim is looked up: two missions' calls arriving together must
    // not both pass the checks above while the first waits (with several instances they do).
    const kill: ChaosKill = { phase, at: Date.now(), generation: starts() };
    kills.push(kill);
    const target = await victim(request);
    if (!target) {
      kills.splice(kills.indexOf(kill), 1);
      return;
    }
    if (instances > 1) {
      const sender = request ? senderOf(request) : undefined;
      Object.assign(kill, { instance: apps.indexOf(target), instanceGeneration: target.starts, chosenBy: sender === apps.indexOf(target) ? "call" : "health" });
    }
    await target.kill();
  };

  const responder = missionResponder({ plans: [plan], files });
  models.script(async (request) => {
    const instance = instances > 1 ? senderOf(request) : undefined;
    callSenders.set(request, {
      generation: starts(),
      alive: apps.some((candidate) => candidate.running),
      ...(instance !== undefined ? { instance, instanceGeneration: apps[instance]!.starts } : {}),
    });
    const phase = modelPhase(request);
    if (phase) await killAt(phase, request);
    const reply = await responder(request);
    return options.modelLatencyMs ? { ...reply, delayMs: options.modelLatencyMs } : reply;
  });
  github.onRequest(async (request, when) => {
    const phase = githubPhase(request, when);
    if (phase) await killAt(phase);
  });

  let restarting: Promise<void> | undefined;
  const ensureUp = (): Promise<void> => {
    // Several instances: the killed one stays down, the others carry its missions (or it comes back, `restartKilled`).
    if (instances > 1) {
      // Nothing to start: return before the promise below, which would otherwise settle (and clear
      // `restarting`) synchronously, before `??=` stores it, and then be kept forever.
      if (!options.restartKilled || apps.every((instance) => instance.running)) return restarting ?? Promise.resolve();
      restarting ??= (async () => {
        try {
          for (const instance of apps) {
            if (instance.running) continue;
            await instance.exited;
            await instance.start();
          }
        } finally {
          restarting = undefined;
        }
      })();
      return restarting;
    }
    if (app.running) return Promise.resolve();
    restarting ??= (async () => {
      try {
        await app.exited;
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 100)));
        await app.start();
        // Sometimes a kill at no particular point: while resuming, draining, or in git.
        if (!calm && random() < options.probability) {
          const delay = Math.floor(random() * 600);
          setTimeout(() => void killAt("timer"), delay);
        }
      } finally {
        restarting = undefined;
      }
    })();
    return restarting;
  };

  /** A person's action whose webhook must reach the app: redelivered (same id) until acknowledged, as an operator would. */
  const deliverReliably = async (act: (deliveryId: string) => Promise<DeliveryResult>): Promise<void> => {
    const deliveryId = randomUUID();
    spread();
    let result = await act(deliveryId).catch(() => undefined);
    while (!result || result.status >= 300) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await ensureUp();
      spread();
      const sent = github.deliveries().find((delivery) => delivery.deliveryId === deliveryId)!;
      result = await github.deliver(sent.event, sent.payload, { deliveryId }).catch(() => undefined);
    }
  };

  const issues: number[] = [];
  const botComments = (issue: number) => github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");
  const isDone = (issue: number) =>
    github.pulls(OWNER, REPO).some((pull) => pull.head.ref.startsWith(`mission/${issue}-`) && !pull.draft) &&
    botComments(issue).some((comment) => comment.body.includes("Mission complete"));
  try {
    for (const instance of apps) await instance.start();
    for (let index = 0; index < options.missions; index++) {
      const { number } = github.createIssue({ owner: OWNER, repo: REPO, title: `Add greetings ${index + 1}`, body: "Greet everyone, one file per feature.", user: MAINTAINER });
      issues.push(number);
      await deliverReliably((deliveryId) => github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: MAINTAINER, deliveryId }));
    }
    const approved = new Set<number>();
    while (!issues.every(isDone)) {
      if (Date.now() - started > options.timeoutMs) {
        const log = (await Promise.all((instances === 1 ? [logFile] : apps.map((_, index) => join(root, `app-${index + 1}.log`))).map((file) => readFile(file, "utf8").catch(() => "")))).join("\n");
        const warnings = log.split("\n").filter((line) => /"level":(40|50|60)/.test(line) && !line.includes("priced as its model family")).slice(-8);
        throw new Error(`chaos run (seed ${options.seed}) did not finish in ${options.timeoutMs / 1000} s after ${kills.length} kills (${kills.map((kill) => kill.phase).join(", ")}); last warnings:\n${warnings.join("\n")}`);
      }
      await ensureUp();
      await options.during?.(apps, {
        approved: approved.size,
        done: issues.filter(isDone).length,
        stopping: () => kills.push({ phase: "graceful-stop", at: Date.now(), generation: starts() }),
      });
      for (const issue of issues) {
        if (approved.has(issue) || !botComments(issue).some((comment) => comment.body.includes("Validation contract v1"))) continue;
        approved.add(issue);
        await deliverReliably((deliveryId) => github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve", deliveryId }));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    calm = true;
    await github.settled();
    for (const instance of apps) await instance.stop();
  } catch (error) {
    await Promise.all(apps.map((instance) => instance.kill()));
    await Promise.all([github.close(), models.close()]);
    // CHAOS_KEEP=1 keeps the store, the checkouts and the app's log of a failed run for a post-mortem.
    if (process.env.CHAOS_KEEP) console.error(`chaos run kept in ${root}`);
    else await rm(root, { recursive: true, force: true });
    throw error;
  }

  const store: MissionStore = options.databaseUrl ? await PostgresMissionStore.open(options.databaseUrl) : new SqliteMissionStore(join(dataDir, "missions.db"));
  const missions = await store.listMissions();
  const ledger = (await Promise.all(missions.map((mission) => store.usage(mission.id)))).flat();
  const events = (await Promise.all(missions.map((mission) => store.events(mission.id)))).flat();
  await store.close();
  const branches = Object.fromEntries(missions.map((mission) => [mission.issue.number, mission.branch!]));
  return {
    seed: options.seed,
    kills,
    callSenders,
    starts: starts(),
    seconds: (Date.now() - started) / 1000,
    issues,
    plan,
    missions,
    ledger,
    events,
    branches,
    commits: Object.fromEntries(missions.map((mission) => [mission.issue.number, commitsOn(repo.gitDir, mission.branch!, "main")])),
    checkRuns: github.checkRuns(OWNER, REPO),
    comments: Object.fromEntries(issues.map((issue) => [issue, github.comments(OWNER, REPO, issue)])),
    pulls: github.pulls(OWNER, REPO),
    calls: models.calls,
    logs: (await Promise.all((instances === 1 ? [logFile] : apps.map((_, index) => join(root, `app-${index + 1}.log`))).map((file) => readFile(file, "utf8").catch(() => "")))).join("\n"),
    github,
    models,
    gitDir: repo.gitDir,
    dataDir,
    async close() {
      await Promise.all([github.close(), models.close()]);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The hidden markers of the app's own comments: each must appear on exactly one comment. */
export function markersOf(body: string): string[] {
  return [...body.matchAll(/<!-- missions:(\w+)([^{>]*?)(?:-->|\{)/g)].map((match) => `${match[1]}${match[2]!.trimEnd()}`);
}

/** The fake models' base URL for the instance at `index`: `/caller-<n>` before the API's path. */
function callerBaseUrl(baseUrl: string, index: number): string {
  return baseUrl.replace(/\/anthropic$/, `/caller-${index + 1}/anthropic`);
}

/** The index of the instance that sent a model call, from its path; undefined for one without a caller. */
function senderOf(request: NormalizedRequest): number | undefined {
  const caller = /^\/caller-(\d+)\//.exec(request.path)?.[1];
  return caller ? Number(caller) - 1 : undefined;
}
