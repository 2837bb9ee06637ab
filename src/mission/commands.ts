import MarkdownIt, { type StateInline } from "markdown-it";
/** The comment commands a person can give, one per line, Prow-style: `/mission <verb> [text]`. */
export const COMMAND_VERBS = [
  "approve",
  "revise",
  "answer",
  "pause",
  "resume",
  "abort",
  "status",
  "budget",
  "retry",
  "fix",
  "skip",
  "help",
] as const;
export type CommandVerb = (typeof COMMAND_VERBS)[number];

export type Command =
  | { verb: CommandVerb; text: string }
  | { verb: "unknown"; text: string; given: string };

export const COMMAND_HELP: Record<CommandVerb, string> = {
  approve: "approve the latest validation contract and start the work",
  revise: "`/mission revise <feedback>` — ask for a new version of the plan and contract; while the work runs, what is done and passed is kept and work waits for your approval",
  answer: "`/mission answer <text>` — answer the open questions (a plain reply works too)",
  pause: "stop at the next step boundary; nothing is lost",
  resume: "continue a paused or blocked mission; `/mission resume <guidance>` passes guidance to the workers",
  abort: "stop the mission for good",
  status: "refresh the mission control comment",
  budget: "`/mission budget <usd>` — set the mission's budget, up to the operator's maximum",
  retry: "run the failed step again",
  fix: "`/mission fix <text>` — on the pull request: turn review feedback into follow-up work",
  skip: "`/mission skip <feature or assertion> <reason>` — set a feature (`F3`) or an assertion (`VAL-API-002`) aside; the pull request lists it as not verified",
  help: "list these commands",
};

const TAKES_TEXT: ReadonlySet<string> = new Set(["revise", "answer", "fix", "budget", "resume", "retry", "skip"]);
const COMMAND_LINE = /^\/mission(?:\s+(\S+))?(?:[ \t]+(.*))?$/d;

/**
 * Finds the commands in a comment, one per line, read as GitHub shows it (CommonMark): only lines
 * of top-level paragraphs count. Code of any kind (fenced with backticks or tildes, indented, inline
 * across lines), quotes (`> /mission approve`, quoting someone else, and the lines that continue
 * them), list items and HTML (comments included) are never commands. A command alone on its line
 * takes what follows it, up to the next command, as its text.
 */
export function parseCommands(body: string): Command[] {
  if (!body.includes("/mission")) return [];
  const source = body.replace(/\r\n?/g, "\n");
  const { detect: detectLines, textual: textLines } = commandSurfaces(source);
  const found: Array<{ index: number; lead: number; match: RegExpExecArray }> = [];
  detectLines.forEach((line, index) => {
    const match = COMMAND_LINE.exec(line.trim());
    if (match) found.push({ index, lead: line.length - line.trimStart().length, match });
  });
  const commands: Command[] = [];
  found.forEach(({ index, lead, match }, position) => {
    const given = (match[1] ?? "help").toLowerCase();
    // The text as written (inline code kept, HTML comments left out), from where the command's text starts.
    const textStart = match.indices?.[2]?.[0];
    let text = textStart === undefined ? "" : (textLines[index] ?? "").slice(lead + textStart).trim();
    if (!(COMMAND_VERBS as readonly string[]).includes(given)) {
      commands.push({ verb: "unknown", text, given });
      return;
    }
    if (TAKES_TEXT.has(given) && text === "") {
      // A command alone on its line takes what follows it, up to the next command, as its text.
      const next = found[position + 1]?.index ?? textLines.length;
      text = textLines.slice(index + 1, next).join("\n").trim();
    }
    commands.push({ verb: given as CommandVerb, text });
  });
  return commands;
}

/**
 * CommonMark, HTML allowed (as GitHub has it), with container nesting bounded: a comment of
 * thousands of nested quotes or list markers parses in linear time.
 */
const markdown = new MarkdownIt("commonmark", { html: true, maxNesting: 20 });
/** Where each inline code span and inline HTML of a paragraph lies in its source. */
interface SpanTracker {
  state?: StateInline;
  pos: number;
  count: number;
}
const markSpans = (tracker: SpanTracker, end: number): void => {
  for (const token of tracker.state?.tokens.slice(tracker.count) ?? []) {
    if (token.type === "code_inline" || token.type === "html_inline") token.meta = { ...(token.meta as object), span: [tracker.pos, end] };
  }
};
// Runs first at every position of an inline parse, and once at its end: the tokens a rule pushed since
// the last position lie between the two.
markdown.inline.ruler.before("text", "missions_spans", (state, silent) => {
  const tracker = (state.env as { spans?: SpanTracker }).spans;
  if (silent || !tracker) return false;
  if (tracker.state === state) markSpans(tracker, state.pos);
  Object.assign(tracker, { state, pos: state.pos, count: state.tokens.length });
  return false;
});
markdown.inline.ruler2.before("balance_pairs", "missions_spans", (state) => {
  const tracker = (state.env as { spans?: SpanTracker }).spans;
  if (tracker?.state === state) markSpans(tracker, state.posMax);
  return false;
});

/**
 * The comment's lines twice: `textual`, as written but with HTML comments blanked out, and
 * `detect`, only the text of top-level paragraphs — code, quotes, lists, headings, HTML, and inline
 * code or HTML inside a paragraph (which can span lines) blanked out.
 */
function commandSurfaces(source: string): { detect: string[]; textual: string[] } {
  const textual = source.split("\n");
  const detect = textual.map(() => "");
  const tokens = markdown.parse(source, { spans: { pos: 0, count: 0 } satisfies SpanTracker });
  const blank = (text: string, ranges: Array<[number, number]>): string => {
    const chars = text.split("");
    for (const [from, to] of ranges) for (let at = from; at < to; at++) if (chars[at] !== "\n") chars[at] = " ";
    return chars.join("");
  };
  // Inside `<details>` … `</details>` GitHub shows paragraphs collapsed: a command there is hidden from
  // whoever reads the comment, so it is not one (nesting counted through the HTML blocks that open and close it).
  let collapsed = 0;
  tokens.forEach((token, index) => {
    if (token.level !== 0 || !token.map) return;
    const [first, end] = token.map;
    if (token.type === "html_block" && token.content.trimStart().startsWith("<!--")) {
      for (let line = first; line < end; line++) textual[line] = "";
    }
    if (token.type === "html_block") {
      collapsed = Math.max(0, collapsed + (token.content.match(/<details\b/gi)?.length ?? 0) - (token.content.match(/<\/details\s*>/gi)?.length ?? 0));
    }
    if (token.type !== "paragraph_open" || collapsed > 0) return;
    // The paragraph's source, line for line (the first line's indentation trimmed).
    const inline = tokens[index + 1]!;
    const hidden: Array<[number, number]> = [];
    const comments: Array<[number, number]> = [];
    for (const child of inline.children ?? []) {
      const span = (child.meta as { span?: [number, number] } | null)?.span;
      if (!span) continue;
      hidden.push(span);
      if (child.type === "html_inline" && child.content.startsWith("<!--")) comments.push(span);
    }
    const shown = blank(inline.content, comments);
    const plain = blank(shown, hidden).split("\n");
    shown.split("\n").forEach((line, offset) => {
      if (first + offset >= end) return;
      textual[first + offset] = line;
      detect[first + offset] = plain[offset] ?? "";
    });
  });
  return { detect, textual };
}

export function renderHelp(intro?: string): string {
  const rows = COMMAND_VERBS.map((verb) => `| \`/mission ${verb}\` | ${COMMAND_HELP[verb]} |`);
  return [
    intro ?? "**Missions commands** (one per line; only people with write access are obeyed):",
    "",
    "| command | what it does |",
    "|---|---|",
    ...rows,
  ].join("\n");
}
