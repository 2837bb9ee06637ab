import type { IncomingMessage, ServerResponse } from "node:http";
import { headerRecord, readBody, sendJson, writeAndFlush } from "./http-io.ts";
import { asObject, type JsonObject } from "./json-access.ts";
import type { ProtocolAdapter, ReplyContext } from "./protocol-adapter.ts";
import { replyKind } from "./reply-kind.ts";
import { outputTokens, resolveReply, type ResolvedReply } from "./resolve-reply.ts";
import type { NormalizedRequest, RecordedCall, Reply, Responder, TextReply, ToolCallsReply, Usage } from "./types.ts";

/** What one fake server shares between its requests. */
export interface FakeModelsState {
  now: () => number;
  responder: Responder | undefined;
  responderCalls: number;
  calls: RecordedCall[];
  apiKeys: { anthropic?: string; openai?: string };
  /** Resolves early when the server closes, so a delayed reply never holds close() up. */
  sleep(milliseconds: number): Promise<void>;
}

const noUsage: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

/** One Messages / Chat Completions request: check it, ask the script, record, answer. */
export async function handleModelCall(
  state: FakeModelsState,
  adapter: ProtocolAdapter,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const startedAt = state.now();
  const requestId = adapter.newRequestId();
  const headers = headerRecord(request);
  const idHeader = { [adapter.requestIdHeader]: requestId };
  let body: JsonObject;
  try {
    body = asObject(JSON.parse(await readBody(request)));
  } catch {
    sendJson(response, 400, adapter.errorBody(400, undefined, "There was an error parsing the body.", requestId), idHeader);
    return;
  }
  const normalized = adapter.normalize(body, path, headers);
  const record = (reply: Reply, usage: Usage) => {
    const call: RecordedCall = { request: normalized, reply, usage, startedAt, endedAt: state.now() };
    state.calls.push(call);
    response.once("close", () => (call.endedAt = state.now()));
  };
  const sendError = (status: number, type: string | undefined, message: string, extraHeaders = {}) =>
    sendJson(response, status, adapter.errorBody(status, type, message, requestId), { ...idHeader, ...extraHeaders });

  const rejection = checkRequest(state, adapter, body, headers);
  if (rejection) {
    record({ error: rejection }, noUsage);
    sendError(rejection.status, undefined, rejection.message);
    return;
  }

  const reply = await askScript(state, normalized);
  const classified = replyKind(reply);
  if (classified.kind === "hang") {
    record(reply, noUsage);
    return;
  }
  if (classified.kind === "raw") {
    record(reply, noUsage);
    response.writeHead(200, { "content-type": classified.reply.contentType ?? (normalized.stream ? "text/event-stream; charset=utf-8" : "application/json"), ...idHeader });
    response.end(classified.reply.raw);
    return;
  }
  if (classified.kind === "error") {
    const { error, delayMs } = classified.reply;
    record(reply, noUsage);
    if (delayMs) await state.sleep(delayMs);
    sendError(error.status, error.type, error.message ?? `Scripted ${error.status} error`, error.headers);
    return;
  }

  const content: TextReply | ToolCallsReply = classified.kind === "content" ? classified.reply : { text: classified.reply.text };
  const resolved = resolveReply(content, adapter.newToolCallId);
  const { writeTokensByTtl, commit, ...promptUsage } = adapter.accountPrompt(body);
  const usage: Usage = { ...promptUsage, outputTokens: outputTokens(resolved), ...content.usage };
  const recorded = normalized.protocol === "anthropic" ? { ...usage, cacheWriteLongTokens: Math.min(writeTokensByTtl.oneHour, usage.cacheWriteTokens) } : usage;
  record(withToolCallIds(reply, resolved), recorded);
  const context: ReplyContext = { requestId, model: normalized.model, usage, writeTokensByTtl, createdAt: startedAt, body };
  if (classified.kind === "content" && classified.reply.delayMs) await state.sleep(classified.reply.delayMs);
  if (response.destroyed) return;

  if (normalized.stream) {
    const frames = adapter.streamFrames(resolved, context);
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      ...idHeader,
    });
    const truncated = classified.kind === "truncate";
    for (const frame of truncated ? frames.slice(0, Math.ceil(frames.length / 2)) : frames) {
      await writeAndFlush(response, frame);
    }
    if (truncated) response.destroy();
    else response.end();
  } else if (classified.kind === "truncate") {
    const text = JSON.stringify(adapter.messageBody(resolved, context));
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...idHeader });
    await writeAndFlush(response, text.slice(0, Math.floor(text.length / 2)));
    response.destroy();
  } else {
    sendJson(response, 200, adapter.messageBody(resolved, context), idHeader);
  }
  // The prompt was processed: what it wrote to the cache is readable from now on, not before.
  commit();
}

/** The 401 or 400 the real API would answer before any model saw the request. */
function checkRequest(
  state: FakeModelsState,
  adapter: ProtocolAdapter,
  body: JsonObject,
  headers: Record<string, string>,
): { status: number; message: string } | undefined {
  const expectedKey = state.apiKeys[adapter.protocol];
  const presentedKey = adapter.presentedApiKey(headers);
  if (expectedKey !== undefined && presentedKey !== expectedKey) {
    return { status: 401, message: adapter.invalidKeyMessage(presentedKey) };
  }
  const problem = adapter.requestProblem(body);
  return problem === undefined ? undefined : { status: 400, message: problem };
}

// A script that throws (or is missing) becomes a 500 carrying its message, so the failure shows
// in the test that caused it rather than as a hang.
async function askScript(state: FakeModelsState, request: NormalizedRequest): Promise<Reply> {
  try {
    if (!state.responder) throw new Error("no script");
    return await state.responder(request, state.responderCalls++);
  } catch (error) {
    return { error: { status: 500, message: error instanceof Error ? error.message : String(error) } };
  }
}

function withToolCallIds(reply: Reply, resolved: ResolvedReply): Reply {
  if (!("toolCalls" in reply) || !reply.toolCalls) return reply;
  return { ...reply, toolCalls: reply.toolCalls.map((call, index) => ({ ...call, id: resolved.toolCalls[index]!.id })) };
}
