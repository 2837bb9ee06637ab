import { pino } from "pino";
import { StepQueue } from "../src/engine/step-queue.ts";
import { startPostgres } from "../test/helpers/postgres.ts";
import { FAST_ENTRY } from "../test/reliability/support/app-process.ts";
import { chaosProblems } from "../test/reliability/support/chaos-checks.ts";
import { runKillChaos } from "../test/reliability/support/kill-chaos.ts";

const MISSIONS = 6;
const MODEL_LATENCY_MS = 1_000;
const PICKUPS = 200;

/**
 * `scale_out_ratio`: wall time of the same missions (real git, the fake GitHub, a fake model answering
 * each call after a fixed latency) on one app instance ÷ on two, both child processes on one
 * PostgreSQL database, side by side in one run. `queue_pickup_p99_ms`: from a step's enqueue to the
 * start of its job, on an idle queue.
 */
export async function scaleOut(): Promise<Record<string, number>> {
  const cluster = await startPostgres();
  try {
    const run = async (instances: number) => {
      const result = await runKillChaos({
        entry: FAST_ENTRY,
        seed: 21,
        maxKills: 0,
        probability: 0,
        forced: [],
        missions: MISSIONS,
        milestones: 1,
        featuresPerMilestone: 2,
        timeoutMs: 900_000,
        instances,
        databaseUrl: await cluster.createDatabase(),
        modelLatencyMs: MODEL_LATENCY_MS,
        // Each instance may run every mission's step at once: the instances, not this limit, are compared.
        env: { MISSIONS_STEPS_AT_ONCE: String(MISSIONS) },
      });
      const problems = chaosProblems(result);
      await result.close();
      if (problems.length > 0) throw new Error(`the ${instances}-instance run broke a promise: ${problems.join("; ")}`);
      return result.seconds;
    };
    const one = await run(1);
    const two = await run(2);
    const pickup = await queuePickup(await cluster.createDatabase());
    return { scale_out_ratio: one / two, scale_out_one_instance_s: one, scale_out_two_instances_s: two, queue_pickup_p99_ms: pickup };
  } finally {
    cluster.stop();
  }
}

/** p99 of enqueue → job start over `PICKUPS` kicks of distinct missions, one at a time on an idle queue. */
export async function queuePickup(databaseUrl: string): Promise<number> {
  const queue = await StepQueue.open({ databaseUrl, log: pino({ level: "warn" }), stepsAtOnce: 4, heartbeatSeconds: 30, checkSeconds: 10 });
  const waits: number[] = [];
  let sentAt = 0;
  let started: (() => void) | undefined;
  try {
    await queue.work(
      {
        turn: async () => {
          waits.push(performance.now() - sentAt);
          started?.();
          return "wait";
        },
      },
      async () => {},
    );
    for (let index = 0; index < PICKUPS; index++) {
      const picked = new Promise<void>((resolve) => (started = resolve));
      sentAt = performance.now();
      await queue.kick(`bench-${index}`);
      await picked;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await queue.stop();
  }
  waits.sort((a, b) => a - b);
  return waits[Math.min(waits.length - 1, Math.ceil(waits.length * 0.99) - 1)]!;
}

if (import.meta.main) console.log(await scaleOut());
