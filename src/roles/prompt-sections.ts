import { truncateOutput } from "../agent/index.ts";
import type { Assertion } from "../mission/index.ts";

/** Assertions as every role reads them: id, statement, and how a validator verifies it. */
export function assertionLines(assertions: Assertion[]): string[] {
  return assertions.map((assertion) => `- \`${assertion.id}\` ${assertion.statement} — verified by: ${assertion.verification}`);
}

/** A diff for a reviewer or validator to read, capped so it cannot crowd out everything else. */
export function diffText(diff: string): string {
  return truncateOutput(diff, 60_000);
}

/** What is wrong with a set of verdicts: each wanted assertion judged once, nothing else judged. */
export function verdictProblems(given: string[], wanted: ReadonlySet<string>, kind = "an assertion"): string[] {
  const problems = [...wanted].filter((id) => !given.includes(id)).map((id) => `no verdict for ${id}`);
  problems.push(...given.filter((id) => !wanted.has(id)).map((id) => `${id} is not ${kind} of this milestone`));
  problems.push(...given.filter((id, index) => given.indexOf(id) !== index).map((id) => `${id} has two verdicts`));
  return problems;
}
