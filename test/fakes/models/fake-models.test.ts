import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { estimateTokens, scriptQueue, startFakeModels, textReply, toolReply, type FakeModels } from "./index.ts";

const anthropicKey = "sk-ant-test-key";
const openaiKey = "sk-openai-test-key";
const claude = "claude-sonnet-5-5";
const gpt = "gpt-5.5";

let fake: FakeModels;

beforeEach(async () => {
  fake = await startFakeModels({ apiKeys: { anthropic: anthropicKey, openai: openaiKey } });
});
afterEach(() => fake.close());

function anthropicClient(options: { apiKey?: string; timeout?: number } = {}) {
  return new Anthropic({ apiKey: anthropicKey, baseURL: fake.anthropicBaseUrl, maxRetries: 0, ...options });
}

function openaiClient(options: { apiKey?: string; timeout?: number } = {}) {
  return new OpenAI({ apiKey: openaiKey, baseURL: fake.openaiBaseUrl, maxRetries: 0, ...options });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected the call to fail"),
    (error: unknown) => error,
  );
}

describe("Anthropic Messages API", () => {
  it("answers a scripted text reply and records the normalized request", async () => {
    fake.script(() => textReply("Hello there"));
    const message = await anthropicClient().messages.create({
      model: claude,
      max_tokens: 200,
      system: "Be brief.",
      messages: [{ role: "user", content: "Hi" }],
    });

    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: claude,
      content: [{ type: "text", text: "Hello there" }],
      stop_reason: "end_turn",
      usage: { output_tokens: 3, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.usage.input_tokens).toBe(estimateTokens({ type: "text", text: "Be brief." }) + estimateTokens({ type: "text", text: "Hi" }));
    const [call] = fake.calls;
    expect(call?.request).toMatchObject({
      protocol: "anthropic",
      path: "/anthropic/v1/messages",
      model: claude,
      system: "Be brief.",
      messages: [{ role: "user", text: "Hi", toolResults: [] }],
      maxTokens: 200,
      stream: false,
    });
    expect(call?.request.headers.authorization).toBe(`Bearer ${anthropicKey}`);
    expect(call?.request.headers["anthropic-version"]).toBeTruthy();
    expect(call?.usage).toEqual({ inputTokens: message.usage.input_tokens, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWriteLongTokens: 0 });
  });

  it("round-trips a tool call, and the tool result arrives normalized in the next request", async () => {
    fake.script(scriptQueue([toolReply("read_file", { path: "src/a.ts" }), textReply("It exports a.")]));
    const client = anthropicClient();
    const tools = [{ name: "read_file", description: "Read a file", input_schema: { type: "object" as const, properties: { path: { type: "string" } } } }];
    const first = await client.messages.create({ model: claude, max_tokens: 200, tools, messages: [{ role: "user", content: "What is in a.ts?" }] });

    expect(first.stop_reason).toBe("tool_use");
    const toolUse = first.content.find((block) => block.type === "tool_use");
    expect(toolUse).toMatchObject({ name: "read_file", input: { path: "src/a.ts" } });
    expect(toolUse?.id).toMatch(/^toolu_01/);

    await client.messages.create({
      model: claude,
      max_tokens: 200,
      tools,
      messages: [
        { role: "user", content: "What is in a.ts?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse!.id, content: "export const a = 1;" }] },
      ],
    });
    expect(fake.calls[0]?.request.tools).toEqual([{ name: "read_file", description: "Read a file", parameters: tools[0]!.input_schema }]);
    expect(fake.calls[1]?.request.messages).toEqual([
      { role: "user", text: "What is in a.ts?", toolResults: [] },
      { role: "assistant", text: "", toolCalls: [{ id: toolUse!.id, name: "read_file", arguments: { path: "src/a.ts" } }] },
      { role: "user", text: "", toolResults: [{ toolCallId: toolUse!.id, content: "export const a = 1;", isError: false }] },
    ]);
    expect(fake.calls[0]?.reply).toEqual({ toolCalls: [{ name: "read_file", arguments: { path: "src/a.ts" }, id: toolUse!.id }] });
  });

  it("streams text and tool input in several deltas, which the SDK assembles", async () => {
    fake.script(() => ({
      text: "Let me search for that.",
      toolCalls: [{ name: "grep", arguments: { pattern: "TODO", path: "src" } }],
    }));
    const stream = anthropicClient().messages.stream({ model: claude, max_tokens: 200, messages: [{ role: "user", content: "Find TODOs" }] });
    const eventTypes: string[] = [];
    const jsonPieces: string[] = [];
    stream.on("streamEvent", (event) => {
      eventTypes.push(event.type === "content_block_delta" ? event.delta.type : event.type);
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") jsonPieces.push(event.delta.partial_json);
    });
    const message = await stream.finalMessage();

    expect(message.content).toMatchObject([
      { type: "text", text: "Let me search for that." },
      { type: "tool_use", name: "grep", input: { pattern: "TODO", path: "src" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage.output_tokens).toBe(Math.ceil(("Let me search for that.".length + JSON.stringify({ pattern: "TODO", path: "src" }).length) / 4));
    expect(jsonPieces.length).toBeGreaterThan(1);
    expect(jsonPieces.join("")).toBe('{"pattern":"TODO","path":"src"}');
    expect(eventTypes[0]).toBe("message_start");
    expect(eventTypes.filter((type) => type === "text_delta").length).toBeGreaterThan(1);
    expect(eventTypes.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(fake.calls[0]?.request.stream).toBe(true);
  });

  it("surfaces scripted errors as the SDK's typed errors, with their headers", async () => {
    fake.script(
      scriptQueue([
        { error: { status: 429, headers: { "retry-after": "7" } } },
        { error: { status: 529, message: "Overloaded" } },
        { error: { status: 500 } },
      ]),
    );
    const client = anthropicClient();
    const request = { model: claude, max_tokens: 10, messages: [{ role: "user" as const, content: "Hi" }] };

    const rateLimited = await rejectionOf(client.messages.create(request));
    expect(rateLimited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(rateLimited).toMatchObject({ status: 429, type: "rate_limit_error" });
    expect((rateLimited as InstanceType<typeof Anthropic.RateLimitError>).headers.get("retry-after")).toBe("7");
    expect(await rejectionOf(client.messages.create(request))).toMatchObject({ status: 529, type: "overloaded_error", apiMessage: "Overloaded" });
    expect(await rejectionOf(client.messages.create(request))).toBeInstanceOf(Anthropic.InternalServerError);
    expect(fake.calls.map((call) => call.usage.inputTokens)).toEqual([0, 0, 0]);
  });

  it("rejects a wrong API key with the provider's 401", async () => {
    fake.script(() => textReply("unreachable"));
    const error = await rejectionOf(
      anthropicClient({ apiKey: "sk-ant-wrong" }).messages.create({ model: claude, max_tokens: 10, messages: [{ role: "user", content: "Hi" }] }),
    );
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error).toMatchObject({ status: 401, type: "authentication_error" });
    expect(fake.calls[0]?.reply).toMatchObject({ error: { status: 401 } });
  });

  it("answers 400 like the real API when a tool_use has no tool_result after it", async () => {
    fake.script(() => textReply("unreachable"));
    const error = await rejectionOf(
      anthropicClient().messages.create({
        model: claude,
        max_tokens: 10,
        messages: [
          { role: "user", content: "Hi" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_01abc", name: "ls", input: {} }] },
          { role: "user", content: "Well?" },
        ],
      }),
    );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain("toolu_01abc");
  });

  it("times out on a hanging reply, and close() still finishes", async () => {
    fake.script(() => ({ hang: true }));
    const error = await rejectionOf(
      anthropicClient({ timeout: 300 }).messages.create({ model: claude, max_tokens: 10, messages: [{ role: "user", content: "Hi" }] }),
    );
    expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    expect(fake.calls).toHaveLength(1);
  });

  it("drops a truncated stream midway, which the SDK reports as an error", async () => {
    fake.script(() => ({ truncateStream: true, text: "This answer will never finish because the connection drops." }));
    const stream = anthropicClient().messages.stream({ model: claude, max_tokens: 200, messages: [{ role: "user", content: "Hi" }] });
    const texts: string[] = [];
    stream.on("text", (delta) => texts.push(delta));
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(texts.length).toBeGreaterThan(0);
  });

  it("sends a scripted string of tool arguments verbatim", async () => {
    fake.script(() => toolReply("edit", '{"path": "a.ts", '));
    const message = await anthropicClient().messages.create({ model: claude, max_tokens: 10, messages: [{ role: "user", content: "Edit" }] });
    expect(message.content[0]).toMatchObject({ type: "tool_use", input: '{"path": "a.ts", ' });
  });

  it("streams scripted invalid tool JSON verbatim (the SDK's partial parser then salvages what it can)", async () => {
    fake.script(() => toolReply("edit", '{"path": "a.ts", '));
    const stream = anthropicClient().messages.stream({ model: claude, max_tokens: 10, messages: [{ role: "user", content: "Edit" }] });
    const pieces: string[] = [];
    stream.on("inputJson", (piece) => pieces.push(piece));
    await stream.finalMessage();
    expect(pieces.join("")).toBe('{"path": "a.ts", ');
  });

  it("reports a refusal as stop_reason refusal", async () => {
    fake.script(() => ({ text: "I can't help with that.", stopReason: "refusal" }));
    const message = await anthropicClient().messages.create({ model: claude, max_tokens: 10, messages: [{ role: "user", content: "Hi" }] });
    expect(message.stop_reason).toBe("refusal");
    expect(message.stop_details).toMatchObject({ type: "refusal" });
  });

  it("lists models", async () => {
    const models = await anthropicClient().models.list();
    expect(models.data.map((model) => model.id)).toContain("claude-sonnet-5-5");
  });
});

describe("scripting", () => {
  it("answers 500 'no script' when nothing is scripted", async () => {
    const error = await rejectionOf(
      anthropicClient().messages.create({ model: claude, max_tokens: 10, messages: [{ role: "user", content: "Hi" }] }),
    );
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as Error).message).toContain("no script");
  });

  it("answers 500 with a clear message, and records it, when the queue runs out", async () => {
    fake.script(scriptQueue([textReply("only one")]));
    const client = openaiClient();
    await client.chat.completions.create({ model: gpt, messages: [{ role: "user", content: "first" }] });
    const error = await rejectionOf(client.chat.completions.create({ model: gpt, messages: [{ role: "user", content: "second" }] }));

    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as Error).message).toContain("scriptQueue exhausted: request 2");
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[1]?.reply).toMatchObject({ error: { status: 500 } });
  });

  it("passes each request and its index to the responder, and overrides usage on request", async () => {
    fake.script((request, index) => ({ text: `${index}: ${request.messages.at(-1)?.text}`, usage: { inputTokens: 50, cacheReadTokens: 42 } }));
    const client = openaiClient();
    const first = await client.chat.completions.create({ model: gpt, messages: [{ role: "user", content: "a" }] });
    const second = await client.chat.completions.create({ model: gpt, messages: [{ role: "user", content: "b" }] });
    expect([first.choices[0]?.message.content, second.choices[0]?.message.content]).toEqual(["0: a", "1: b"]);
    expect(second.usage).toMatchObject({ prompt_tokens: 50, prompt_tokens_details: { cached_tokens: 42 } });
  });
});

describe("OpenAI Chat Completions API", () => {
  it("answers a scripted text reply and records the normalized request", async () => {
    fake.script(() => textReply("Hello there"));
    const completion = await openaiClient().chat.completions.create({
      model: gpt,
      max_completion_tokens: 100,
      messages: [
        { role: "developer", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
    });

    expect(completion).toMatchObject({
      object: "chat.completion",
      model: gpt,
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hello there", refusal: null } }],
      usage: { completion_tokens: 3, prompt_tokens_details: { cached_tokens: 0 } },
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(fake.calls[0]?.request).toMatchObject({
      protocol: "openai",
      path: "/openai/v1/chat/completions",
      system: "Be brief.",
      messages: [{ role: "user", text: "Hi", toolResults: [] }],
      maxTokens: 100,
    });
    expect(fake.calls[0]?.request.headers.authorization).toBe(`Bearer ${openaiKey}`);
  });

  it("round-trips a tool call, folding tool messages into a user turn", async () => {
    fake.script(scriptQueue([toolReply("read_file", { path: "src/a.ts" }), textReply("It exports a.")]));
    const client = openaiClient();
    const tools = [{ type: "function" as const, function: { name: "read_file", description: "Read a file", parameters: { type: "object" } } }];
    const first = await client.chat.completions.create({ model: gpt, tools, messages: [{ role: "user", content: "What is in a.ts?" }] });

    const message = first.choices[0]!.message;
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(message.content).toBeNull();
    const call = message.tool_calls![0]!;
    expect(call.id).toMatch(/^call_/);
    expect(call).toMatchObject({ type: "function", function: { name: "read_file", arguments: '{"path":"src/a.ts"}' } });

    await client.chat.completions.create({
      model: gpt,
      tools,
      messages: [
        { role: "user", content: "What is in a.ts?" },
        message,
        { role: "tool", tool_call_id: call.id, content: "export const a = 1;" },
        { role: "user", content: "Summarise it." },
      ],
    });
    expect(fake.calls[1]?.request.messages).toEqual([
      { role: "user", text: "What is in a.ts?", toolResults: [] },
      { role: "assistant", text: "", toolCalls: [{ id: call.id, name: "read_file", arguments: { path: "src/a.ts" } }] },
      { role: "user", text: "Summarise it.", toolResults: [{ toolCallId: call.id, content: "export const a = 1;", isError: false }] },
    ]);
  });

  it("streams chunks with tool-call deltas by index, then usage, then [DONE]", async () => {
    fake.script(() => ({
      text: "Searching.",
      toolCalls: [
        { name: "grep", arguments: { pattern: "TODO" } },
        { name: "ls", arguments: { path: "." } },
      ],
    }));
    const stream = await openaiClient().chat.completions.create({
      model: gpt,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Find TODOs" }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
    expect(deltas.map((delta) => delta.content ?? "").join("")).toBe("Searching.");
    const argumentsByIndex = ["", ""];
    for (const toolCall of deltas.flatMap((delta) => delta.tool_calls ?? [])) argumentsByIndex[toolCall.index] += toolCall.function?.arguments ?? "";
    expect(argumentsByIndex).toEqual(['{"pattern":"TODO"}', '{"path":"."}']);
    expect(deltas.flatMap((delta) => delta.tool_calls ?? []).filter((toolCall) => toolCall.function?.arguments !== "").length).toBeGreaterThan(2);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("tool_calls");
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ completion_tokens: Math.ceil(("Searching.".length + 18 + 12) / 4) });
  });

  it("works with the chat.completions.stream helper", async () => {
    fake.script(() => toolReply("ls", { path: "." }));
    const stream = openaiClient().chat.completions.stream({ model: gpt, messages: [{ role: "user", content: "List" }] });
    const completion = await stream.finalChatCompletion();
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({ type: "function", function: { name: "ls", arguments: '{"path":"."}' } });
  });

  it("sends invalid JSON arguments verbatim, streamed or not, and reads them back raw", async () => {
    const broken = '{"path": "a.ts", "content": ';
    fake.script(() => toolReply("write_file", broken));
    const client = openaiClient();
    const completion = await client.chat.completions.create({ model: gpt, messages: [{ role: "user", content: "Write" }] });
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(call.type === "function" && call.function.arguments).toBe(broken);

    const stream = await client.chat.completions.create({ model: gpt, stream: true, messages: [{ role: "user", content: "Write" }] });
    let streamed = "";
    for await (const chunk of stream) for (const toolCall of chunk.choices[0]?.delta.tool_calls ?? []) streamed += toolCall.function?.arguments ?? "";
    expect(streamed).toBe(broken);

    fake.script(() => textReply("ok"));
    await client.chat.completions.create({
      model: gpt,
      messages: [
        { role: "user", content: "Write" },
        completion.choices[0]!.message,
        { role: "tool", tool_call_id: call.id, content: "error: invalid JSON" },
      ],
    });
    const assistant = fake.calls[2]?.request.messages[1];
    expect(assistant?.role === "assistant" && assistant.toolCalls[0]?.arguments).toBe(broken);
  });

  it("surfaces scripted errors as the SDK's typed errors, with their headers", async () => {
    fake.script(scriptQueue([{ error: { status: 429, headers: { "retry-after-ms": "250" } } }, { error: { status: 503, message: "Slow down" } }]));
    const client = openaiClient();
    const rateLimited = await rejectionOf(client.chat.completions.create({ model: gpt, messages: [{ role: "user", content: "Hi" }] }));
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(rateLimited).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    expect((rateLimited as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after-ms")).toBe("250");
    const unavailable = await rejectionOf(client.chat.completions.create({ model: gpt, messages: [{ role: "user", content: "Hi" }] }));
    expect(unavailable).toBeInstanceOf(OpenAI.InternalServerError);
    expect(unavailable).toMatchObject({ status: 503, type: "server_error" });
  });

  it("rejects a wrong API key with the provider's 401", async () => {
    const error = await rejectionOf(openaiClient({ apiKey: "sk-wrong-key-123" }).chat.completions.create({ model: gpt, messages: [{ role: "user", content: "Hi" }] }));
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "invalid_api_key" });
  });

  it("times out on a hanging reply", async () => {
    fake.script(() => ({ hang: true }));
    const error = await rejectionOf(openaiClient({ timeout: 300 }).chat.completions.create({ model: gpt, messages: [{ role: "user", content: "Hi" }] }));
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it("reports a refusal in message.refusal with finish_reason stop", async () => {
    fake.script(() => ({ text: "I can't help with that.", stopReason: "refusal" }));
    const completion = await openaiClient().chat.completions.create({ model: gpt, messages: [{ role: "user", content: "Hi" }] });
    expect(completion.choices[0]).toMatchObject({ finish_reason: "stop", message: { content: null, refusal: "I can't help with that." } });
  });

  it("maps max_tokens to finish_reason length", async () => {
    fake.script(() => ({ text: "Cut sho", stopReason: "max_tokens" }));
    const completion = await openaiClient().chat.completions.create({ model: gpt, messages: [{ role: "user", content: "Hi" }] });
    expect(completion.choices[0]?.finish_reason).toBe("length");
  });

  it("drops truncated responses, streamed or not, which the SDK reports as errors", async () => {
    fake.script(() => ({ truncateStream: true, text: "This answer will never finish because the connection drops." }));
    const client = openaiClient();
    const stream = await client.chat.completions.create({ model: gpt, stream: true, messages: [{ role: "user", content: "Hi" }] });
    let received = "";
    const iterate = async () => {
      for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? "";
    };
    await expect(iterate()).rejects.toThrow();
    expect(received.length).toBeGreaterThan(0);
    await expect(client.chat.completions.create({ model: gpt, messages: [{ role: "user", content: "Hi" }] })).rejects.toThrow();
  });

  it("waits delayMs before answering", async () => {
    fake.script(() => ({ text: "late", delayMs: 200 }));
    const started = Date.now();
    await openaiClient().chat.completions.create({ model: gpt, messages: [{ role: "user", content: "Hi" }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("lists models", async () => {
    const models = await openaiClient().models.list();
    expect(models.data.map((model) => model.id)).toContain("gpt-5.5");
  });
});
