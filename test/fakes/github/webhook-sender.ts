import { createHmac, randomUUID } from "node:crypto";
import { request, type ClientRequest } from "node:http";
import type { Delivery, DeliveryResult } from "./types.ts";

export interface DeliveryLogEntry extends Delivery {
  result?: DeliveryResult;
  error?: string;
}

// GitHub gives up on a delivery after 10 seconds; an app that takes longer has a bug to see.
const DELIVERY_TIMEOUT_MS = 10_000;
const HOOK_ID = "424242";

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

// Sends webhook deliveries signed the way GitHub signs them and keeps track of those in flight,
// so tests can wait until the app has answered everything (`settled`).
export class WebhookSender {
  readonly secret: string;
  readonly #appId: number;
  #target: string | undefined;
  #closed = false;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #requests = new Set<ClientRequest>();
  readonly #log: DeliveryLogEntry[] = [];

  constructor(secret: string, appId: number) {
    this.secret = secret;
    this.#appId = appId;
  }

  setTarget(url: string): void {
    this.#target = url;
  }

  deliver(event: string, payload: object, deliveryId: string = randomUUID()): Promise<DeliveryResult> {
    const target = this.#target;
    if (!target) return Promise.reject(new Error("fake GitHub: call setWebhookTarget() before delivering webhooks"));
    const entry: DeliveryLogEntry = { event, payload, deliveryId };
    this.#log.push(entry);
    const body = JSON.stringify(payload);
    const headers = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/fake",
      "x-github-event": event,
      "x-github-delivery": deliveryId,
      "x-github-hook-id": HOOK_ID,
      "x-github-hook-installation-target-type": "integration",
      "x-github-hook-installation-target-id": String(this.#appId),
      "x-hub-signature-256": signature(this.secret, body),
    };
    const sending = this.#post(target, body, headers).then(
      (response) => {
        const result = { ...response, deliveryId };
        entry.result = result;
        return result;
      },
      (error: unknown) => {
        entry.error = error instanceof Error ? error.message : String(error);
        throw error;
      },
    );
    this.#track(sending);
    return sending;
  }

  // What GitHub does after an API write: a delivery shortly after the response, whose failure
  // nobody awaits (it is only logged). Skipped while no target is set.
  announce(event: string, payload: object): void {
    if (!this.#target || this.#closed) return;
    const task = new Promise((resolve) => setImmediate(resolve))
      .then(() => (this.#closed ? undefined : this.deliver(event, payload)))
      .catch(() => {});
    this.#track(task);
  }

  last(): Delivery | undefined {
    const entry = this.#log.at(-1);
    return entry && { event: entry.event, payload: entry.payload, deliveryId: entry.deliveryId };
  }

  log(): DeliveryLogEntry[] {
    return [...this.#log];
  }

  // A delivery can make the app call the API, which can announce another delivery: loop until
  // nothing is left in flight.
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  close(): void {
    this.#closed = true;
    for (const req of this.#requests) req.destroy(new Error("fake GitHub closed"));
  }

  #track(promise: Promise<unknown>): void {
    const tracked: Promise<unknown> = promise.then(
      () => this.#inFlight.delete(tracked),
      () => this.#inFlight.delete(tracked),
    );
    this.#inFlight.add(tracked);
  }

  #post(target: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(target, { method: "POST", headers, agent: false, timeout: DELIVERY_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      this.#requests.add(req);
      req.on("close", () => this.#requests.delete(req));
      req.on("timeout", () => req.destroy(new Error(`webhook delivery to ${target} timed out`)));
      req.on("error", reject);
      req.end(body);
    });
  }
}
