import { lintSource } from "@secretlint/core";
import { rules as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import type { SecretLintCoreConfig } from "@secretlint/types";
import { REDACTED } from "./redact-secrets.ts";

const CONFIG: SecretLintCoreConfig = {
  // The recommended preset's rules, but for the one that obeys `secretlint-disable` comments: those are
  // the author's to write, and in a model's or a repository's text they would switch the scan off.
  rules: recommended.filter((rule) => rule.meta.id !== "@secretlint/secretlint-rule-filter-comments").map((rule) => ({ id: rule.meta.id, rule })),
};

/**
 * The redaction for text that leaves the app for GitHub or the dashboard: secretlint's recommended
 * rule set (a maintained set of credential shapes from many providers) over the text, and then this
 * app's own `redact` (the operator's secrets in every encoding, and its own rules, which the log hook
 * runs alone because a log line cannot wait). Whatever either finds is replaced.
 */
export function createOutboundRedactor(redact: (text: string) => string): (text: string) => Promise<string> {
  return async (text) => {
    const first = redact(text);
    if (first.length === 0) return first;
    const { messages } = await lintSource({
      source: { filePath: "/posted.txt", content: first, ext: ".txt", contentType: "text" },
      options: { config: CONFIG, noPhysicFilePath: true },
    });
    if (messages.length === 0) return first;
    // Overlapping findings are merged, then replaced from the end so earlier offsets stay right.
    const ranges = messages.map((message) => [...message.range] as [number, number]).sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const range of ranges) {
      const last = merged.at(-1);
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push(range);
    }
    let result = first;
    for (const [start, end] of merged.reverse()) result = result.slice(0, start) + REDACTED + result.slice(end);
    return result;
  };
}
