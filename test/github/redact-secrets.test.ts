import { describe, expect, it } from "vitest";
import { createRedactor } from "../../src/github/index.ts";

describe("createRedactor", () => {
  const redact = createRedactor(["operator-webhook-secret", "short", undefined]);

  it("removes the operator's secrets wherever they appear", () => {
    expect(redact("a operator-webhook-secret b operator-webhook-secret")).toBe("a [redacted] b [redacted]");
    expect(redact("short words stay")).toBe("short words stay");
  });

  it("removes anything shaped like a credential", () => {
    const text = [
      "token ghs_abcdefghijklmnopqrstuvwxyz012345",
      "pat github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
      "anthropic sk-ant-api03-abcdefghijklmnopqrstuvwx",
      "openai sk-proj-abcdefghijklmnopqrstuvwxyz",
      "url https://x-access-token:secretvalue@github.com/a/b.git",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
    ].join("\n");
    const clean = redact(text);
    for (const leaked of ["ghs_", "github_pat_", "sk-ant", "sk-proj", "secretvalue", "MIIEow"]) expect(clean).not.toContain(leaked);
    expect(clean.match(/\[redacted\]/g)).toHaveLength(6);
  });

  it("leaves ordinary text alone", () => {
    const text = "| `VAL-API-001` | ✅ pass | risk-free sk- prefixes and ghs_short are fine |";
    expect(redact(text)).toBe(text);
  });
});
