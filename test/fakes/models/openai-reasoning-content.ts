import { thinkingSignature } from "./resolve-reply.ts";

/**
 * The fake's `encrypted_content` of a Responses reasoning item: the item's id and thinking, signed,
 * so that a client must send it back exactly as it came (the real API cannot decrypt anything else).
 */
export function encryptReasoning(id: string, text: string): string {
  return `fake-enc-${Buffer.from(JSON.stringify({ id, text, sig: thinkingSignature(id + text) })).toString("base64url")}`;
}

/** The thinking an encrypted content carries, when it is intact and belongs to the item `id`. */
export function decryptReasoning(id: string, encrypted: string): string | undefined {
  if (!encrypted.startsWith("fake-enc-")) return undefined;
  try {
    const { id: sealedId, text, sig } = JSON.parse(Buffer.from(encrypted.slice("fake-enc-".length), "base64url").toString("utf8")) as { id: string; text: string; sig: string };
    return sealedId === id && sig === thinkingSignature(id + text) ? text : undefined;
  } catch {
    return undefined;
  }
}
