import { expect } from "vitest";
import { ANTHROPIC_KEY, OPENAI_KEY, OWNER, REPO, type Harness } from "../../e2e/harness.ts";
import { producedTexts, scanForSecrets } from "./secret-scan.ts";

/**
 * The secrets scan every reliability suite runs after each test: comments, check runs, pull
 * requests, commits, every log line and the whole store directory hold no key, token or secret.
 */
export function expectNoSecrets(harness: Harness): void {
  const issues: number[] = [];
  for (let number = 1; number <= 100; number++) {
    try {
      harness.github.issue(OWNER, REPO, number);
      issues.push(number);
    } catch {
      break;
    }
  }
  const texts = producedTexts({ github: harness.github, owner: OWNER, repo: REPO, issues, gitDir: harness.gitDir, logs: harness.logs.join(""), dataDir: harness.dataDir });
  expect(texts.logs.length, "the app logged").toBeGreaterThan(0);
  expect(scanForSecrets(texts, { privateKey: harness.github.privateKey, webhookSecret: harness.github.webhookSecret, providerKeys: [ANTHROPIC_KEY, OPENAI_KEY] })).toEqual([]);
}
