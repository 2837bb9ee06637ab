import { asArray, asObject, asString, type JsonObject } from "./json-access.ts";
import { thinkingSignature } from "./resolve-reply.ts";

/** The real models' output limits and extended thinking (their documentation), for the few models tests name. */
const OUTPUT_LIMITS: [RegExp, { max: number; thinks: boolean }][] = [
  [/^claude-3-5-haiku/, { max: 8_192, thinks: false }],
  [/^claude-opus-4-(?:0|1)|^claude-opus-4-\d{8}/, { max: 32_000, thinks: true }],
  [/^claude-(?:sonnet|haiku)-4/, { max: 64_000, thinks: true }],
];

/**
 * The first thing the real Messages API would reject with a 400, among the mistakes a client is
 * likely to make: missing fields, more output than the model allows (or thinking for a model without it), tool_use / tool_result blocks that do not pair up, empty text
 * blocks or turns, more than four cache breakpoints, a 1-hour breakpoint after a 5-minute one.
 */
export function anthropicRequestProblem(body: JsonObject): string | undefined {
  if (typeof body.model !== "string" || body.model === "") return "model: Field required";
  if (typeof body.max_tokens !== "number" || body.max_tokens < 1) return "max_tokens: Field required";
  const limit = OUTPUT_LIMITS.find(([pattern]) => pattern.test(asString(body.model)))?.[1];
  if (limit && body.max_tokens > limit.max) {
    return `max_tokens: ${body.max_tokens} > ${limit.max}, which is the maximum allowed number of output tokens for ${asString(body.model)}`;
  }
  if (limit && !limit.thinks && body.thinking !== undefined) return `thinking: ${asString(body.model)} does not support thinking`;
  const messages = asArray(body.messages).map(asObject);
  if (messages.length === 0) return "messages: at least one message is required";
  for (const [index, message] of messages.entries()) {
    const content = message.content;
    if (Array.isArray(content) && content.length === 0) return `messages.${index}: all messages must have non-empty content`;
    if (content === "") return `messages.${index}: all messages must have non-empty content`;
    const emptyText = asArray(content).map(asObject).findIndex((block) => block.type === "text" && asString(block.text) === "");
    if (emptyText !== -1) return `messages.${index}.content.${emptyText}.text: text content blocks must be non-empty`;
    const previous = index > 0 ? messages[index - 1] : undefined;
    const offered = previous?.role === "assistant" ? blockIds(previous, "tool_use", "id") : [];
    const answered = message.role === "user" ? blockIds(message, "tool_result", "tool_use_id") : [];
    const unexpected = answered.filter((id) => !offered.includes(id));
    if (unexpected.length > 0) {
      return (
        `messages.${index}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(", ")}. ` +
        "Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
      );
    }
    const unanswered = offered.filter((id) => !answered.includes(id));
    if (unanswered.length > 0) {
      return (
        `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
        `${unanswered.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`
      );
    }
  }
  return thinkingProblem(body, messages) ?? cacheBreakpointProblem(body, messages);
}

/**
 * Extended thinking as the API checks it: a budget of at least 1,024 tokens and below `max_tokens`,
 * and, while a tool loop goes on, the last assistant turn sent back starting with its thinking block,
 * signature intact (a thinking block whose text or signature was changed is refused).
 */
function thinkingProblem(body: JsonObject, messages: JsonObject[]): string | undefined {
  for (const [index, message] of messages.entries()) {
    for (const [blockIndex, block] of asArray(message.content).map(asObject).entries()) {
      if (block.type === "thinking" && asString(block.signature) !== thinkingSignature(asString(block.thinking))) {
        return `messages.${index}.content.${blockIndex}: Invalid \`signature\` in \`thinking\` block`;
      }
    }
  }
  const thinking = body.thinking === undefined ? undefined : asObject(body.thinking);
  if (thinking?.type !== "enabled") return undefined;
  const budget = thinking.budget_tokens;
  if (typeof budget !== "number" || budget < 1024) return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
  if (typeof body.max_tokens === "number" && budget >= body.max_tokens) return "`max_tokens` must be greater than `thinking.budget_tokens`";
  const lastAssistant = messages.findLastIndex((message) => message.role === "assistant");
  const last = lastAssistant === -1 ? undefined : messages[lastAssistant]!;
  const blocks = last ? asArray(last.content).map(asObject) : [];
  if (blocks.some((block) => block.type === "tool_use") && blocks[0]?.type !== "thinking" && blocks[0]?.type !== "redacted_thinking") {
    return (
      `messages.${lastAssistant}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${asString(blocks[0]?.type)}\`. ` +
      "When `thinking` is enabled, a final `assistant` message must start with a thinking block."
    );
  }
  return undefined;
}

/** The API allows four blocks with `cache_control`, and no 1-hour one after a 5-minute one. */
function cacheBreakpointProblem(body: JsonObject, messages: JsonObject[]): string | undefined {
  const system = Array.isArray(body.system) ? body.system.map(asObject) : [];
  const blocks = [
    ...asArray(body.tools).map(asObject),
    ...system,
    ...messages.flatMap((message) => asArray(message.content).map(asObject)),
  ];
  const ttls = blocks.filter((block) => block.cache_control).map((block) => asString(asObject(block.cache_control).ttl) || "5m");
  if (ttls.length > 4) return `A maximum of 4 blocks with cache_control may be provided. Found ${ttls.length}.`;
  const firstShort = ttls.indexOf("5m");
  if (firstShort !== -1 && ttls.slice(firstShort).includes("1h")) {
    return "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block";
  }
  return undefined;
}

function blockIds(message: JsonObject, type: string, idField: string): string[] {
  return asArray(message.content)
    .map(asObject)
    .filter((block) => block.type === type)
    .map((block) => asString(block[idField]));
}
