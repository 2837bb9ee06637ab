import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createRedactor } from "../../src/github/index.ts";
import { loggerOptions } from "../../src/server.ts";
import { CREDENTIALS, OPERATOR_SECRETS, operatorSecretForms } from "./credential-shapes.ts";

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

  describe.each(Object.entries(CREDENTIALS))("%s", (_name, { text, secret }) => {
    it("is redacted alone, in a sentence, quoted and in JSON", () => {
      // As a Markdown table cell has it too: its lines folded into one.
      for (const where of [text, `leaked ${text} from .env`, `"${text}"`, `\`${text}\`;`, JSON.stringify({ output: `x\n${text}\ny` }), `| F1 | ${text.replace(/\r?\n/g, " ")} |`]) {
        const clean = redact(where);
        expect(clean, where).not.toContain(secret);
        expect(clean, where).toContain("[redacted]");
      }
    });
  });

  it("keeps the words around a credential readable", () => {
    expect(redact("curl -H 'Authorization: Bearer abcdefghijklmnop0123' https://api.example.com")).toBe("curl -H 'Authorization: Bearer [redacted]' https://api.example.com");
    expect(redact("clone https://deploy:hunter2hunter2@git.example.com/a/b.git failed")).toBe("clone https://[redacted]git.example.com/a/b.git failed");
    expect(redact("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")).toBe("AWS_SECRET_ACCESS_KEY=[redacted]");
  });

  it("removes a private key whose END line was cut off, with its body", () => {
    const key = ["-----BEGIN OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", "QyNTUxOQAAACB0ZXN0a2V5"].join("\n");
    const clean = redact(`cat id_ed25519\n${key}`);
    expect(clean).toBe("cat id_ed25519\n[redacted]");
    // Its newlines escaped, as a JSON log line or an env file has them.
    expect(redact(JSON.stringify(key))).not.toMatch(/b3BlbnNz|QyNTUx/);
  });

  it("removes the operator's secrets in every encoding: base64 at any offset, base64url, hex, JSON, URL", () => {
    const operator = createRedactor(OPERATOR_SECRETS);
    for (const { form, secret } of operatorSecretForms()) {
      const clean = operator(`before ${form} after`);
      expect(clean, form).not.toContain(secret);
      expect(clean, form).toContain("[redacted]");
    }
  });

  it("removes the operator's secrets and private keys from base64 wrapped over lines, as `base64` and `openssl base64` wrap it", () => {
    const operator = createRedactor(OPERATOR_SECRETS);
    for (const width of [64, 76]) {
      for (const secret of OPERATOR_SECRETS) {
        // Inside a longer encoded text, at every offset, so that the secret straddles a line break somewhere.
        for (let offset = 0; offset < width; offset += 7) {
          const encoded = Buffer.from(`${"x".repeat(offset)}${secret}${"y".repeat(40)}`).toString("base64");
          const lines = encoded.match(new RegExp(`.{1,${width}}`, "g"))!;
          const clean = operator(`config:\n${lines.join("\n")}\nend`);
          expect(clean, `${width} ${offset}`).toBe("config:\n[redacted]\nend");
        }
      }
    }
  });

  it("leaves encoded public keys, certificates and other base64 alone", () => {
    const publicKey = ["-----BEGIN PUBLIC KEY-----", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo", "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u", "-----END PUBLIC KEY-----"].join("\n");
    const certificate = Buffer.from([0x30, 0x82, 0x03, 0x00, 0x30, 0x82, 0x02, 0x00, 0xa0, 0x03, 0x02, 0x01, 0x02, ...Array.from({ length: 60 }, (_, i) => i)]).toString("base64");
    for (const text of [publicKey, Buffer.from(publicKey).toString("base64"), certificate, Buffer.from("just a long sentence that happens to be encoded in base64 for transport").toString("base64")]) {
      expect(redact(text), text).toBe(text);
    }
  });

  it("leaves ordinary text alone", () => {
    const text = [
      "| `VAL-API-001` | ✅ pass | risk-free sk- prefixes and ghs_short are fine |",
      "Authorization: required for every route; the password field is masked.",
      "token: missing, api_key = process.env.API_KEY, secret: undefined",
      "https://github.com/acme/app/pull/3 and git@github.com:acme/app.git",
      "AKIA is a prefix; eyJ is how JSON starts in base64; npm_config_cache=/tmp",
      "-----BEGIN PUBLIC KEY----- is not a secret",
    ].join("\n");
    expect(redact(text)).toBe(text);
  });
});

describe("the logger", () => {
  it("runs every line through the sanitiser and keeps it JSON", () => {
    const lines: string[] = [];
    const redact = createRedactor(OPERATOR_SECRETS);
    const log = pino(loggerOptions("debug", redact), { write: (line: string) => void lines.push(line) });
    log.info({ output: `failed: ${CREDENTIALS["Stripe live key"]!.text}`, nested: { password: "Zx9qLm2Vb7Tr4pK8" } }, `key ${OPERATOR_SECRETS[0]}`);
    log.child({ feature: "F1" }).warn(new Error(`git push https://bot:${OPERATOR_SECRETS[1]}@example.com`), "push failed");
    log.info({ privateKey: OPERATOR_SECRETS[2] }, "nothing to see");
    const text = lines.join("");
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(text).not.toContain(CREDENTIALS["Stripe live key"]!.secret);
    expect(text).not.toContain("Zx9qLm2Vb7Tr4pK8");
    for (const secret of OPERATOR_SECRETS) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0]!).msg).toBe("key [redacted]");
  });
});
