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
const COMMAND_LINE = /^\/mission(?:\s+(\S+))?(?:[ \t]+(.*))?$/;

/**
 * Finds the commands in a comment. Lines inside fenced code blocks and quoted lines
 * (`> /mission approve`, quoting someone else) are not commands.
 */
export function parseCommands(body: string): Command[] {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const commands: Command[] = [];
  let inFence = false;
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? "").trim();
    if (/^(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    const given = (match[1] ?? "help").toLowerCase();
    let text = (match[2] ?? "").trim();
    if (!(COMMAND_VERBS as readonly string[]).includes(given)) {
      commands.push({ verb: "unknown", text, given });
      continue;
    }
    if (TAKES_TEXT.has(given) && text === "") {
      // A command alone on its line takes the paragraph below it as its text.
      const rest: string[] = [];
      while (index + 1 < lines.length && !COMMAND_LINE.test((lines[index + 1] ?? "").trim())) {
        rest.push(lines[++index] ?? "");
      }
      text = rest.join("\n").trim();
    }
    commands.push({ verb: given as CommandVerb, text });
  }
  return commands;
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
