import { randomInt } from "node:crypto";

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** An id shaped like the providers' own, e.g. newId("toolu_01", 22) or newId("call_", 24). */
export function newId(prefix: string, length = 24): string {
  let id = prefix;
  for (let index = 0; index < length; index++) id += alphabet[randomInt(alphabet.length)];
  return id;
}
