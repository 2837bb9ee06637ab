import type { CheckRunInput } from "../github/index.ts";

const ICONS: Record<string, string> = { success: "✅", failure: "❌", neutral: "⚪", cancelled: "⏹️", action_required: "⚠️" };

/**
 * A check run as a local Markdown report: what GitHub would show on its page — the conclusion, the
 * summary (per-assertion verdicts and evidence, the commands' results), the details, and the review
 * findings as `file:line` entries where GitHub would have annotated the diff.
 */
export function renderCheckReport(input: CheckRunInput & { id: number; screenshots?: string[] }): string {
  const conclusion = input.status === "completed" ? `${ICONS[input.conclusion ?? ""] ?? ""} ${input.conclusion ?? "completed"}`.trim() : input.status.replace("_", " ");
  const lines = [`# ${input.name}`, "", `**${input.title}** · ${conclusion} · commit \`${input.headSha.slice(0, 12)}\``, "", input.summary.trim()];
  if (input.text?.trim()) lines.push("", input.text.trim());
  const annotations = input.annotations ?? [];
  if (annotations.length > 0) {
    lines.push("", "## Findings", "");
    for (const annotation of annotations) {
      const where = annotation.startLine === annotation.endLine ? `${annotation.path}:${annotation.startLine}` : `${annotation.path}:${annotation.startLine}-${annotation.endLine}`;
      lines.push(`- **${annotation.level}** \`${where}\`${annotation.title ? ` ${annotation.title}` : ""}: ${annotation.message.replace(/\n+/g, " ")}`);
    }
  }
  if (input.screenshots?.length) {
    lines.push("", "## Screenshots", "");
    for (const screenshot of input.screenshots) lines.push(`![${screenshot.split("/").at(-1)}](${encodeURI(screenshot)})`);
  }
  return `${lines.join("\n")}\n`;
}
