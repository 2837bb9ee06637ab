import type { ReviewComment } from "../github/index.ts";

/** Bounds on what one review brings to the repair planner: people's text, read as data, kept small. */
const MAX_COMMENTS = 30;
const MAX_COMMENT_CHARS = 1_000;
const MAX_TOTAL_CHARS = 8_000;

/** Where on the pull request an inline comment is: "`src/a.ts` line 12", or the file alone. */
export function commentLocation(comment: { path: string; line?: number | null }): string {
  const path = `\`${comment.path.replace(/`/g, "'")}\``;
  return comment.line ? `${path} line ${comment.line}` : `${path} (the whole file)`;
}

/**
 * A review's feedback as one text: its body, then each inline comment with the file and line it is on —
 * without them the repair planner is told "this is wrong" and not where. Bounded: each comment, their
 * number and the whole; what is left out is said to be left out.
 */
export function reviewFeedback(body: string, comments: ReviewComment[]): string {
  const parts: string[] = [];
  let length = 0;
  const add = (text: string): boolean => {
    if (length + text.length > MAX_TOTAL_CHARS) return false;
    parts.push(text);
    length += text.length + 1;
    return true;
  };
  const trimmed = body.trim();
  if (trimmed) add(clip(trimmed, MAX_TOTAL_CHARS / 2));
  const shown = comments.filter((comment) => comment.body.trim() !== "");
  if (shown.length > 0) add("Inline comments:");
  let added = 0;
  for (const comment of shown.slice(0, MAX_COMMENTS)) {
    // Continuation lines are indented, so a comment's own list or code stays inside its item.
    const text = clip(comment.body.trim(), MAX_COMMENT_CHARS).replace(/\n/g, "\n  ");
    if (!add(`- ${commentLocation(comment)}: ${text}`)) break;
    added++;
  }
  if (added < shown.length) parts.push(`(${shown.length - added} more inline comments not shown)`);
  return parts.join("\n");
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
