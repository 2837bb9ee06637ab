import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeSmee {
  url: string;
  /** Where `SmeeClient.createChannel` asks for a new channel. */
  newChannelUrl: string;
  /** Channels handed out by `newChannelUrl`. */
  created: string[];
  /** Clients listening on a channel now. */
  listeners(channel: string): number;
  /** Connections to any channel answered 503 from now on (smee.io having a bad day). */
  refuse(count: number): void;
  close(): Promise<void>;
}

// smee.io as smee-client speaks to it: HEAD /new answers with a new channel's address in `location`;
// GET /<channel> is a stream of Server-Sent Events (`event: ready` first, then one unnamed event per
// delivery, its data the request's headers plus `body` and `query`); POST /<channel> is what GitHub
// sends there, passed on to every listener.
export async function startFakeSmee(): Promise<FakeSmee> {
  const streams = new Map<string, Set<ServerResponse>>();
  const created: string[] = [];
  let refusals = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/new" && (req.method === "HEAD" || req.method === "GET")) {
      const channel = `${base()}/${randomBytes(8).toString("hex")}`;
      created.push(channel);
      res.writeHead(307, { location: channel }).end();
      return;
    }
    const channel = url.pathname;
    if (req.method === "GET" && refusals > 0) {
      refusals--;
      res.writeHead(503, { "content-type": "text/plain" }).end("Service Unavailable");
      return;
    }
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      res.write("event: ready\ndata: {}\n\n");
      const listening = streams.get(channel) ?? new Set();
      streams.set(channel, listening.add(res));
      req.on("close", () => listening.delete(res));
      return;
    }
    if (req.method === "POST") {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const message = { ...req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as unknown, query: Object.fromEntries(url.searchParams), timestamp: Date.now() };
        for (const stream of streams.get(channel) ?? []) stream.write(`data: ${JSON.stringify(message)}\n\n`);
        res.writeHead(200, { "content-type": "text/plain" }).end("Ok");
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base(),
    newChannelUrl: `${base()}/new`,
    created,
    listeners: (channel) => streams.get(new URL(channel).pathname)?.size ?? 0,
    refuse: (count) => {
      refusals = count;
    },
    async close() {
      for (const listening of streams.values()) for (const stream of listening) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
