import type { Logger } from "pino";
import { SmeeClient } from "smee-client";

export interface WebhookRelay {
  stop(): Promise<void>;
}

export interface RelayOptions {
  /** The channel GitHub posts to (`WEBHOOK_PROXY_URL`). */
  source: string;
  /** The app's webhook endpoint. */
  target: string;
  log: Logger;
  /** Wait before a new connection once the channel refused one (default 10 s). */
  retryMs?: number;
}

/**
 * Relays a smee.io channel's deliveries (`WEBHOOK_PROXY_URL`) to the app's webhook endpoint with
 * the client Probot's `webhookProxy` uses — but without holding up the start: Probot's rejects the
 * whole start when the channel cannot be reached (smee.io down, a laptop offline), which ended the
 * app with a dump of the event source. Here the relay keeps trying, and the operator reads one
 * warning per outage. The event source reconnects by itself after a network error, not after an
 * error answer (a 5xx from smee.io): then a new client connects a little later.
 */
export function startWebhookRelay(options: RelayOptions): WebhookRelay {
  const log = options.log.child({ concern: "webhook-relay" });
  let down = false;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let client: SmeeClient;
  const connect = () => {
    client = new SmeeClient({
      source: options.source,
      target: options.target,
      logger: {
        info: (message: string) => {
          if (!message.startsWith("Forwarding")) return log.debug(message);
          down = false;
          log.info(`relaying GitHub's webhooks from ${options.source} to ${options.target}`);
        },
        error: (message: unknown, detail?: unknown) => {
          // smee-client's word for an event source that gave up.
          if (message === "Connection closed" && !stopped) {
            const closed = client;
            retry = setTimeout(() => void closed.stop().then(connect), options.retryMs ?? 10_000);
            retry.unref();
          }
          if (down) return;
          down = true;
          const reason = (detail as { message?: string } | undefined)?.message ?? (message instanceof Error ? message.message : String(message));
          log.warn(`cannot reach the webhook relay ${options.source} (${reason}); retrying. No webhook arrives until it answers: check WEBHOOK_PROXY_URL.`);
        },
      },
    });
    // The first connection's failure is reported above.
    client.start().catch(() => {});
  };
  connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await client.stop();
    },
  };
}
