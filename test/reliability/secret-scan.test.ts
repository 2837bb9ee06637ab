import { describe, expect, it } from "vitest";
import { scanForSecrets } from "./support/secret-scan.ts";

const KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx9Rz0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH\n-----END RSA PRIVATE KEY-----\n";
const secrets = { privateKey: KEY, webhookSecret: "hook-secret-1234", providerKeys: ["sk-ant-abcdef0123456789"] };

// The scanner every reliability suite relies on must find what it is meant to find.
describe("the secrets scanner", () => {
  it("finds each kind of secret, wherever it is", () => {
    const hits = scanForSecrets(
      {
        comment: "token ghs_16C7e42F292c6912E7710c838347Ae178B4a here",
        log: '{"authorization":"bearer eyJhbGciOiJSUzI1NiJ9.eyJpYXQiOjE3MDAwMDAwMDB9.sig"}',
        store: `key line MIIEowIBAAKCAQEAx9Rz0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH in a row`,
        commit: "uses sk-ant-abcdef0123456789 and hook-secret-1234",
        config: "url = https://x-access-token:ghs_abcdefghij@github.com/a/b",
        pat: "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
      },
      secrets,
    );
    expect(new Set(hits.map((hit) => hit.where))).toEqual(new Set(["comment", "log", "store", "commit", "config", "pat"]));
    expect(hits.map((hit) => hit.what)).toEqual(expect.arrayContaining(["a provider key", "the webhook secret", "a line of the app's private key"]));
  });

  it("stays quiet on ordinary text", () => {
    expect(scanForSecrets({ comment: "### ✅ Mission complete\n\nAll 2 assertions pass. [redacted] ghs_ is a prefix." }, secrets)).toEqual([]);
  });
});
