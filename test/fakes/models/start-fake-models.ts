import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { createAnthropicProtocol } from "./anthropic-protocol.ts";
import { handleModelCall, type FakeModelsState } from "./handle-model-call.ts";
import { headerRecord, sendJson } from "./http-io.ts";
import { createOpenAiProtocol } from "./openai-protocol.ts";
import { createOpenAiResponsesProtocol } from "./openai-responses-protocol.ts";
import type { ProtocolAdapter } from "./protocol-adapter.ts";
import type { FakeModels, FakeModelsOptions, Protocol } from "./types.ts";

const defaultModels: Record<Protocol, string[]> = {
  anthropic: ["claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"],
  openai: ["gpt-5.5", "gpt-5.4", "gpt-5.4-mini"],
};

const modelCallPaths: Record<Protocol, string> = { anthropic: "/messages", openai: "/chat/completions" };

/**
 * One HTTP server on 127.0.0.1 speaking the Anthropic Messages API under /anthropic/v1 and
 * OpenAI Chat Completions and Responses under /openai/v1, answering from the script a test sets.
 */
export async function startFakeModels(options: FakeModelsOptions = {}): Promise<FakeModels> {
  const now = options.now ?? Date.now;
  const closing = new AbortController();
  const state: FakeModelsState = {
    now,
    responder: undefined,
    responderCalls: 0,
    calls: [],
    apiKeys: options.apiKeys ?? {},
    sleep: (milliseconds) => delay(milliseconds, undefined, { signal: closing.signal }).catch(() => undefined),
  };
  const adapters: Record<Protocol, ProtocolAdapter> = {
    anthropic: createAnthropicProtocol(now, options.cacheMinimumTokens),
    openai: createOpenAiProtocol(now),
  };
  const responses = createOpenAiResponsesProtocol(adapters.openai, now);
  const listedModels = (protocol: Protocol) => [
    ...new Set([
      ...(options.models?.[protocol] ?? defaultModels[protocol]),
      ...state.calls.filter((call) => call.request.protocol === protocol).map((call) => call.request.model),
    ]),
  ];

  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    // An optional `/caller-<name>` before the API's path tells callers apart (several app instances on one fake): it stays in the request's path.
    const match = /^(?:\/caller-[\w-]+)?\/(anthropic|openai)\/v1(\/.*)$/.exec(path);
    if (!match) {
      sendJson(response, 404, { error: { message: `No fake model API at ${path}` } });
      return;
    }
    const adapter = adapters[match[1] as Protocol];
    const rest = match[2]!;
    if (request.method === "POST" && rest === modelCallPaths[adapter.protocol]) {
      await handleModelCall(state, adapter, path, request, response);
      return;
    }
    if (request.method === "POST" && adapter.protocol === "openai" && rest === "/responses") {
      await handleModelCall(state, responses, path, request, response);
      return;
    }
    const requestId = adapter.newRequestId();
    const sendError = (status: number, message: string) =>
      sendJson(response, status, adapter.errorBody(status, undefined, message, requestId), {
        [adapter.requestIdHeader]: requestId,
      });
    const expectedKey = state.apiKeys[adapter.protocol];
    const presentedKey = adapter.presentedApiKey(headerRecord(request));
    if (expectedKey !== undefined && presentedKey !== expectedKey) {
      sendError(401, adapter.invalidKeyMessage(presentedKey));
    } else if (request.method === "GET" && rest === "/models") {
      sendJson(response, 200, adapter.modelList(listedModels(adapter.protocol)));
    } else if (request.method === "GET" && rest.startsWith("/models/")) {
      const model = decodeURIComponent(rest.slice("/models/".length));
      if (listedModels(adapter.protocol).includes(model)) sendJson(response, 200, adapter.modelInfo(model));
      else sendError(404, `model: ${model}`);
    } else {
      sendError(404, `Not found: ${request.method} ${path}`);
    }
  };

  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      // A bug in the fake must fail the test loudly, not leave the client waiting.
      if (!response.headersSent) sendJson(response, 500, { error: { message: `fake models: ${String(error)}` } });
      else response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    anthropicBaseUrl: `${url}/anthropic`,
    openaiBaseUrl: `${url}/openai/v1`,
    script(responder) {
      state.responder = responder;
    },
    calls: state.calls,
    async close() {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hanging replies and keep-alive connections would otherwise hold close() open forever.
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
