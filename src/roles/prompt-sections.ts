import { truncateOutput } from "../agent/index.ts";
import type { Assertion } from "../mission/index.ts";

/** Assertions as every role reads them: id, statement, and how a validator verifies it. */
export function assertionLines(assertions: Assertion[]): string[] {
  return assertions.map((assertion) => `- \`${assertion.id}\` ${assertion.statement} — verified by: ${assertion.verification}`);
}

/** A diff for a reviewer or validator to read, capped so it cannot crowd out everything else. */
export function diffBlock(diff: string): string[] {
  return ["```diff", truncateOutput(diff, 60_000), "```"];
}
