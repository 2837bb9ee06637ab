import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { signature } from "../test/fakes/github/webhook-sender.ts";
import { FAST_ENTRY } from "../test/reliability/support/app-process.ts";
import { benchWorld, MAINTAINER, OWNER, REPO } from "./app-processes.ts";
import { seedStore } from "./stored-missions.ts";

const RATE_PER_SECOND = 200;
const SECONDS = 6;
const STORED_MISSIONS = 500;
/** GitHub gives up on a delivery after 10 s: a delivery refused or reset counts as that long. */
const GIVE_UP_MS = 10_000;
const BARE_PROBOT = fileURLToPath(new URL("./bare-probot.ts", import.meta.url));

interface Delivery {
  kind: "pull-comment" | "issue-comment" | "review" | "check-run";
  event: string;
  payload: object;
}

/**
 * Acknowledgement latency of webhooks, three processes side by side on this machine, each sent the same
 * deliveries at the same moments (open loop: a slow answer does not delay the next delivery), 200 a
 * second for 6 seconds: the app with an empty store, the app with 500 stored long missions, and a bare
 * Probot app. The deliveries are a realistic mix, each of which makes the app look its mission up:
 * half comments on pull requests (a mission's pull request, when stored), the rest comments on an issue
 * with no mission, changes-requested reviews and check-run re-runs of no mission.
 */
export async function webhookLatency(): Promise<Record<string, number>> {
  const world = await benchWorld({ "README.md": "# bench\n" });
  const storeDir = await mkdtemp(join(tmpdir(), "missions-bench-store-"));
  try {
    const storePath = join(storeDir, "missions.db");
    await seedStore(storePath, STORED_MISSIONS, OWNER, REPO);
    const app = await world.process(FAST_ENTRY);
    const stored = await world.process(FAST_ENTRY, { DATABASE_URL: `sqlite:${storePath}` });
    const bare = await world.process(BARE_PROBOT);
    const { number } = world.github.createIssue({ owner: OWNER, repo: REPO, title: "Ping", body: "", user: MAINTAINER });
    const urls = [app.url, stored.url, bare.url];
    // Warm all three up (JIT, SQLite, first connections) before measuring.
    await run(urls, 100, 1, (id) => mix(id, number), world.github.webhookSecret);
    const { latencies, lagMs } = await run(urls, RATE_PER_SECOND, SECONDS, (id) => mix(id, number), world.github.webhookSecret);
    const [appAll, storedAll, bareAll] = latencies.map((byKind) => [...byKind.values()].flat());
    const failed = latencies.flatMap((byKind) => [...byKind.values()].flat()).filter((ms) => ms >= GIVE_UP_MS).length;
    if (failed > 0) console.warn(`webhook bench: ${failed} deliveries failed or took ${GIVE_UP_MS / 1000} s or more (counted as ${GIVE_UP_MS / 1000} s, when GitHub gives up)`);
    const pullComments = (which: number) => latencies[which]!.get("pull-comment")!;
    const appP99 = p99(appAll!);
    const bareP99 = p99(bareAll!);
    // How far the sender fell behind its schedule: when it is large, the machine was too busy and
    // the p99s measure the sender, not the apps — the ratios then say little.
    if (lagMs > 50) console.warn(`webhook bench: the sender fell ${lagMs.toFixed(0)} ms behind schedule; the ratios are unreliable on a machine this busy`);
    return {
      webhook_ack_p99_ms: appP99,
      webhook_bare_probot_p99_ms: bareP99,
      webhook_p99_ratio: appP99 / bareP99,
      webhook_stored_ack_p99_ms: p99(storedAll!),
      webhook_stored_ratio: p99(pullComments(1)) / p99(pullComments(0)),
      webhook_sender_lag_ms: lagMs,
      webhook_failed_deliveries: failed,
    };
  } finally {
    await world.close();
    await rm(storeDir, { recursive: true, force: true });
  }
}

/** Delivery `id` of the mix: every other one a comment on a (stored mission's) pull request. */
function mix(id: number, issue: number): Delivery {
  const common = { repository: { name: REPO, owner: { login: OWNER }, default_branch: "main" }, sender: { login: MAINTAINER, type: "User" }, installation: { id: 100 } };
  const comment = { id, body: "just a comment, no command", user: { login: MAINTAINER, type: "User" }, created_at: new Date().toISOString() };
  const pull = 20_000 + (id % STORED_MISSIONS);
  switch (id % 6) {
    case 1:
      return { kind: "issue-comment", event: "issue_comment", payload: { ...common, action: "created", issue: { number: issue, title: "Ping", body: "", state: "open" }, comment } };
    case 3:
      return {
        kind: "review",
        event: "pull_request_review",
        payload: { ...common, action: "submitted", pull_request: { number: 99_999 }, review: { id, state: "changes_requested", body: "please change", user: { login: MAINTAINER, type: "User" }, submitted_at: new Date().toISOString() } },
      };
    case 5:
      return { kind: "check-run", event: "check_run", payload: { ...common, action: "rerequested", check_run: { id: 9_000_000 + id, name: "CI", head_sha: "c".repeat(40) } } };
    default:
      return { kind: "pull-comment", event: "issue_comment", payload: { ...common, action: "created", issue: { number: pull, title: "Mission", body: "", state: "open", pull_request: {} }, comment } };
  }
}

async function run(urls: string[], rate: number, seconds: number, delivery: (id: number) => Delivery, secret: string): Promise<{ latencies: Array<Map<string, number[]>>; lagMs: number }> {
  const latencies = urls.map(() => new Map<string, number[]>());
  let lagMs = 0;
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  const total = rate * seconds;
  for (let index = 0; index < total; index++) {
    const due = start + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lagMs = Math.max(lagMs, performance.now() - due);
    const { kind, event, payload } = delivery(1_000_000 + index);
    const body = JSON.stringify(payload);
    // Rotate which endpoint goes first at each tick, so none always has the head start.
    for (let offset = 0; offset < urls.length; offset++) {
      const which = (index + offset) % urls.length;
      const byKind = latencies[which]!;
      pending.push(deliver(`${urls[which]}/api/github/webhooks`, event, body, secret).then((ms) => void (byKind.get(kind) ?? byKind.set(kind, []).get(kind)!).push(ms)));
    }
  }
  await Promise.all(pending);
  return { latencies, lagMs };
}

function deliver(url: string, event: string, body: string, secret: string): Promise<number> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(url, {
      method: "POST",
      agent: false,
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/bench",
        "x-github-event": event,
        "x-github-delivery": crypto.randomUUID(),
        "x-hub-signature-256": signature(secret, body),
      },
    }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200 ? Math.min(performance.now() - started, GIVE_UP_MS) : GIVE_UP_MS));
    });
    req.on("error", () => resolve(GIVE_UP_MS));
    req.end(body);
  });
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.99) - 1]!;
}
