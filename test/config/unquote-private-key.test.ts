import { generateKeyPairSync, createSign } from "node:crypto";
import { getPrivateKey } from "@probot/get-private-key";
import { describe, expect, it } from "vitest";
import { unquotePrivateKey } from "../../src/config/index.ts";

const { privateKey: pem } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
// What `docker run --env-file .env` passes on from the line the setup flow writes: quotes and `\n` kept.
const asDockerPassesIt = `"${pem.replace(/\n/g, "\\n")}"`;

describe("unquotePrivateKey", () => {
  it("turns the key Docker's --env-file leaves quoted back into the PEM", () => {
    expect(unquotePrivateKey(asDockerPassesIt)).toBe(pem);
    expect(unquotePrivateKey(` ${asDockerPassesIt}\r`)).toBe(pem);
    expect(unquotePrivateKey(`'${pem.replace(/\n/g, "\\n")}'`)).toBe(pem);
  });

  it("leaves every other form alone", () => {
    expect(unquotePrivateKey(undefined)).toBeUndefined();
    expect(unquotePrivateKey(pem)).toBe(pem);
    expect(unquotePrivateKey(pem.replace(/\n/g, "\\n"))).toBe(pem.replace(/\n/g, "\\n"));
    expect(unquotePrivateKey('"')).toBe('"');
  });

  it("gives a key that signs, where the quoted one could not be used", () => {
    const sign = (key: string) => createSign("RSA-SHA256").update("jwt").sign(key, "base64url");
    expect(() => sign(getPrivateKey({ env: { PRIVATE_KEY: asDockerPassesIt } })!)).toThrow();
    expect(sign(getPrivateKey({ env: { PRIVATE_KEY: unquotePrivateKey(asDockerPassesIt) } })!)).toMatch(/^[\w-]+$/);
  });
});
