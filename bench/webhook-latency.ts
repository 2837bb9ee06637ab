import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { signature } from "../test/fakes/github/webhook-sender.ts";
import { FAST_ENTRY } from "../test/reliability/support/app-process.ts";
import { benchWorld, MAINTAINER, OWNER, REPO } from "./app-processes.ts";

const RATE_PER_SECOND = 200;
const SECONDS = 6;
const BARE_PROBOT = fileURLToPath(new URL("./bare-probot.ts", import.meta.url));

/**
 * p99 acknowledgement latency of the app's webhook endpoint ÷ a bare Probot app's: both as child
 * processes on this machine, each sent 200 signed `issue_comment` deliveries per second at the same
 * moments (open loop: a slow answer does not delay the next delivery), for 6 seconds.
 */
export async function webhookLatency(): Promise<{ webhook_ack_p99_ms: number; webhook_bare_probot_p99_ms: number; webhook_p99_ratio: number; webhook_sender_lag_ms: number }> {
  const world = await benchWorld({ "README.md": "# bench\n" });
  try {
    const app = await world.process(FAST_ENTRY);
    const bare = await world.process(BARE_PROBOT);
    const { number } = world.github.createIssue({ owner: OWNER, repo: REPO, title: "Ping", body: "", user: MAINTAINER });
    const payload = (id: number) => ({
      action: "created",
      issue: { number, title: "Ping", body: "", state: "open" },
      comment: { id, body: "just a comment, no command", user: { login: MAINTAINER, type: "User" }, created_at: new Date().toISOString() },
      repository: { name: REPO, owner: { login: OWNER }, default_branch: "main" },
      sender: { login: MAINTAINER, type: "User" },
      installation: { id: 100 },
    });
    // Warm both up (JIT, SQLite, first connections) before measuring.
    await run([app.url, bare.url], 100, 1, payload, world.github.webhookSecret);
    const { latencies: [appLatencies, bareLatencies], lagMs } = await run([app.url, bare.url], RATE_PER_SECOND, SECONDS, payload, world.github.webhookSecret);
    const appP99 = p99(appLatencies!);
    const bareP99 = p99(bareLatencies!);
    // How far the sender fell behind its schedule: when it is large, the machine was too busy and
    // both p99s measure the sender, not the apps — the ratio then says little.
    if (lagMs > 50) console.warn(`webhook bench: the sender fell ${lagMs.toFixed(0)} ms behind schedule; the ratio is unreliable on a machine this busy`);
    return { webhook_ack_p99_ms: appP99, webhook_bare_probot_p99_ms: bareP99, webhook_p99_ratio: appP99 / bareP99, webhook_sender_lag_ms: lagMs };
  } finally {
    await world.close();
  }
}

async function run(urls: string[], rate: number, seconds: number, payload: (id: number) => object, secret: string): Promise<{ latencies: number[][]; lagMs: number }> {
  const latencies = urls.map((): number[] => []);
  let lagMs = 0;
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  const total = rate * seconds;
  for (let index = 0; index < total; index++) {
    const due = start + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lagMs = Math.max(lagMs, performance.now() - due);
    // Alternate which endpoint goes first at each tick, so neither always has the head start.
    const order = index % 2 === 0 ? urls.map((_, i) => i) : urls.map((_, i) => urls.length - 1 - i);
    for (const which of order) {
      const body = JSON.stringify(payload(1_000_000 + index));
      pending.push(deliver(`${urls[which]}/api/github/webhooks`, body, secret).then((ms) => void latencies[which]!.push(ms)));
    }
  }
  await Promise.all(pending);
  return { latencies, lagMs };
}

function deliver(url: string, body: string, secret: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, {
      method: "POST",
      agent: false,
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/bench",
        "x-github-event": "issue_comment",
        "x-github-delivery": crypto.randomUUID(),
        "x-hub-signature-256": signature(secret, body),
      },
    }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`delivery answered ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.99) - 1]!;
}
