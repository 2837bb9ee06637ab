import { address } from "./markdown.ts";
import { renderHelp } from "./commands.ts";

/**
 * What the app answers people on an issue before any mission steers it: refusals, a configuration
 * that keeps a mission from starting, commands on an issue without a mission, help.
 */

/** Someone without write access added the mission label. */
export function labelRefusal(sender: string, label: string): string {
  return `${address(sender)} thanks for the interest — only people with write access to this repository can start a mission. A maintainer can add the \`${label}\` label.`;
}

/** The repository's configuration file keeps the mission from starting. */
export function configProblemsReply(configPath: string, problems: string[], label: string): string {
  return [
    `### ⚠️ The mission could not start`,
    "",
    `\`${configPath}\` has problems:`,
    "",
    ...problems.map((problem) => `- ${problem}`),
    "",
    `Fix the file on the default branch, then remove and add the \`${label}\` label again.`,
  ].join("\n");
}

/** Someone without write access gave a command. */
export function commandRefusal(author: string, verb: string): string {
  return `${address(author)} sorry — only people with write access to this repository can steer a mission, so I did not act on \`/mission ${verb}\`.`;
}

/** A command on an issue or pull request that has no mission. */
export function noMissionReply(author: string, where: "issue" | "pull request", label: string): string {
  return `${address(author)} there is no mission on this ${where}. Add the \`${label}\` label to an issue to start one.`;
}

/** `/mission help`, or the list of commands after one the app does not know (`given`). */
export function helpReply(unknown?: string): string {
  // The person's own word, echoed: never able to leave its code span (a backtick); the GitHub port defuses any mention in it.
  const word = unknown?.replace(/[`\\]/g, "").slice(0, 40);
  return renderHelp(word === undefined ? undefined : `\`/mission ${word}\` is not a command I know. These are:`);
}
