import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** GitHub caps a webhook payload at 25 MB: more is not GitHub. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/**
 * Puts a size check in front of the webhook endpoint. Probot reads a delivery's whole body before it
 * checks the signature, so without it anyone could make the app hold any amount in memory: a POST
 * must say its length (GitHub always does), and a length over GitHub's own cap is refused unread.
 */
export function boundWebhookBodies(server: Server, maxBytes = MAX_WEBHOOK_BYTES): void {
  const listeners = server.listeners("request") as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  server.removeAllListeners("request");
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    // Every POST, whatever its path: the webhook middleware normalises paths (`/api/github/webhooks/`
    // is the endpoint too), and nothing else here takes a body of any size.
    if (request.method === "POST") {
      const length = request.headers["content-length"];
      const refusal =
        length === undefined ? { status: 411, message: "a webhook delivery must say its length (Content-Length)" } : Number(length) > maxBytes ? { status: 413, message: `a webhook delivery may be at most ${maxBytes} bytes` } : undefined;
      if (refusal) {
        response.writeHead(refusal.status, { "content-type": "application/json", connection: "close" });
        response.end(JSON.stringify({ error: refusal.message }));
        request.destroy();
        return;
      }
    }
    for (const listener of listeners) listener.call(server, request, response);
  });
}
