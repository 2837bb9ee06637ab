import { randomBytes } from "node:crypto";

/**
 * This process's proof that a mention was written by the app itself: random, never posted, and so
 * never seen by a model or a person, who therefore cannot forge it. A notice written before a restart
 * and posted after it carries an old key: its mention is defused like any other (a lost ping, not a
 * leaked one).
 */
const KEY = randomBytes(12).toString("hex");
const MARK = `\u2063${KEY}\u2063`;

/**
 * `@login`, meant: the app addresses a person (a reply to their command). The GitHub port lets such a
 * mention through; every other one, in any text, is defused.
 */
export function address(login: string): string {
  return `${MARK}@${login}`;
}

/**
 * `Closes #<issue>`, meant: the app's own closing reference in the pull request it opens. Every other
 * closing keyword before an issue reference (`Fixes #12`, `resolves acme/app#3`), which would close
 * that issue when the pull request or the commit is merged, is defused on the way out.
 */
export function closes(issue: number): string {
  return `Closes ${MARK}#${issue}`;
}

/** A closing keyword and the reference it would close, the app's mark (valid or not) perhaps before its `#`. */
const CLOSING = /\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?)(\s*:?\s+)((?:[\w.-]+\/[\w.-]+)?)(\u2063[0-9a-f]{24}\u2063)?#(?=\d)/gi;
/** A reference into another repository (`owner/repo#12`): GitHub links it, and marks the other issue's timeline. */
const CROSS_REFERENCE = /(?<![\w/.-])([\w.-]+\/[\w.-]+)#(?=\d)/g;

/**
 * Where GitHub acts on closing keywords — a pull request's body, a commit's message — `Fixes #12`
 * and `resolves owner/repo#3` as plain text, except the app's own `closes()`. (In a comment the
 * words close nothing: the app's own "closed #3 without merging" stays as written.) Run before
 * `defuseMentions`, which takes the marks off.
 */
export function defuseClosingKeywords(text: string): string {
  return text.replace(CLOSING, (_match, keyword: string, space: string, repository: string, mark: string | undefined) =>
    mark === MARK && !repository ? `${keyword}${space}#` : `${keyword}${space}${repository}#\u2060`,
  );
}

/** A mention's `@`: `&#64;`, `&#x40;` and `&commat;` render as one, and so may notify. */
const ENTITY_AT = /&(?:#0*64|#x0*40|commat);?(?=[A-Za-z0-9])/gi;
/** Full-width and small commercial at, which some renderers take for `@`. */
const WIDE_AT = /([\uFF20\uFE6B])(?=[A-Za-z0-9])/g;
/** The app's mark (valid or not) with the `@` it stands before, or any `@` that starts a mention (not one inside a word, as in an e-mail address). */
const MENTION = /\u2063([0-9a-f]{24})\u2063(@(?=[A-Za-z0-9]))?|(?<![A-Za-z0-9_])@(?=[A-Za-z0-9])/g;

/**
 * Text as the GitHub port posts it: `@name` and `@org/team` (however spelt) as plain text — a word
 * joiner after the `@` keeps GitHub from notifying anyone — except the app's own `address()`es, whose
 * marks are removed; closing keywords before an issue reference (`Fixes #12`) and references into
 * other repositories likewise, except the app's own `closes()`. Run once, on the way out: the marks
 * are gone after it.
 */
export function defuseMentions(text: string): string {
  return text
    .replace(CROSS_REFERENCE, "$1#\u2060")
    .replace(ENTITY_AT, "@\u2060")
    .replace(WIDE_AT, "$1\u2060")
    .replace(MENTION, (_match, key: string | undefined, at: string | undefined) => {
      if (key === undefined) return "@\u2060";
      if (!at) return "";
      return key === KEY ? "@" : "@\u2060";
    });
}
