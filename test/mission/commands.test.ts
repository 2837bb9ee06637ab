import { describe, expect, it } from "vitest";
import { COMMAND_VERBS, parseCommands, renderHelp } from "../../src/mission/index.ts";

describe("parseCommands", () => {
  it("reads one command per line with its text", () => {
    expect(parseCommands("/mission approve\n/mission budget 30")).toEqual([
      { verb: "approve", text: "" },
      { verb: "budget", text: "30" },
    ]);
  });

  it("takes the paragraph under a bare revise, answer or fix as its text", () => {
    expect(parseCommands("/mission revise\nUse French.\nAnd add tests.\n/mission approve")).toEqual([
      { verb: "revise", text: "Use French.\nAnd add tests." },
      { verb: "approve", text: "" },
    ]);
  });

  it("is case-insensitive on the verb and treats a bare /mission as help", () => {
    expect(parseCommands("/mission APPROVE")).toEqual([{ verb: "approve", text: "" }]);
    expect(parseCommands("/mission")).toEqual([{ verb: "help", text: "" }]);
  });

  it("reports unknown verbs so the person gets the help", () => {
    expect(parseCommands("/mission launch now")).toEqual([{ verb: "unknown", text: "now", given: "launch" }]);
  });

  it("ignores quoted lines, code blocks, mid-line mentions and lookalikes", () => {
    const body = "> /mission approve\n```\n/mission abort\n```\nPlease /mission approve later\n/missionary work\n~~~\n/mission pause\n~~~";
    expect(parseCommands(body)).toEqual([]);
  });

  describe("reads the comment as Markdown: only top-level paragraphs hold commands", () => {
    const REAL = "/mission pause";
    const notCommands: Record<string, string> = {
      "a backtick fence": "```\n/mission approve\n```",
      "a longer backtick fence holding a shorter one": "````\n```\n/mission approve\n```\n````",
      "a tilde fence": "~~~\n/mission approve\n~~~",
      "a tilde fence with an info string": "~~~sh\n/mission abort\n~~~",
      "an indented code block": "    /mission approve",
      "an indented code block after a blank line": "Run this:\n\n    /mission approve\n    /mission abort",
      "a block quote": "> /mission approve",
      "a nested block quote": "> > /mission approve",
      "a quote's lazy continuation line": "> do you approve?\n/mission approve",
      "a code block in a quote": ">     /mission approve",
      "an HTML comment": "<!--\n/mission approve\n-->",
      "an HTML comment on one line": "<!-- /mission approve -->",
      "an HTML comment inside a paragraph": "Thanks <!--\n/mission approve\n--> all",
      "an HTML block": "<details>\n/mission approve\n</details>",
      "inline code across lines": "Type ``\n/mission approve\n`` to approve",
      "a list item": "- /mission approve",
      "a heading": "# /mission approve",
    };
    it.each(Object.entries(notCommands))("not in %s, but the real one next to it is obeyed", (_where, markdown) => {
      expect(parseCommands(markdown)).toEqual([]);
      expect(parseCommands(`${markdown}\n\n${REAL}`)).toEqual([{ verb: "pause", text: "" }]);
      expect(parseCommands(`${REAL}\n\n${markdown}`)[0]).toEqual({ verb: "pause", text: "" });
    });

    it("an unclosed fence runs to the end of the comment, as GitHub shows it", () => {
      expect(parseCommands("/mission pause\n```\n/mission approve")).toEqual([{ verb: "pause", text: "" }]);
    });

    it("a command GitHub shows collapsed inside <details> is not one; one after the section is", () => {
      expect(parseCommands("<details>\n<summary>Notes</summary>\n\n/mission approve\n\n</details>\n\n/mission pause")).toEqual([{ verb: "pause", text: "" }]);
      expect(parseCommands("<details><summary>a</summary>\n\n<details>\n\n/mission abort\n\n</details>\n\n/mission approve\n\n</details>")).toEqual([]);
    });

    it("a fence holding a tilde line does not hide the command after it", () => {
      expect(parseCommands("```\n~~~\n```\n/mission approve")).toEqual([{ verb: "approve", text: "" }]);
      expect(parseCommands("~~~\n```\n~~~\n/mission approve")).toEqual([{ verb: "approve", text: "" }]);
      expect(parseCommands("```\n/mission abort\n~~~\n```\n/mission pause\n~~~\n/mission abort\n~~~")).toEqual([{ verb: "pause", text: "" }]);
    });

    it("keeps a paragraph's commands, one per line, next to code and comments", () => {
      const body = "Looks good.\n/mission budget 40\n<!-- /mission abort -->\n```\n/mission abort\n```\n/mission approve";
      expect(parseCommands(body)).toEqual([
        { verb: "budget", text: "40" },
        { verb: "approve", text: "" },
      ]);
    });

    it("keeps a command's text as written, inline code included and HTML comments left out", () => {
      expect(parseCommands("/mission revise name it `greet_user` <!-- not this -->")).toEqual([{ verb: "revise", text: "name it `greet_user`" }]);
      expect(parseCommands("/mission revise\nUse this schema:\n\n```\nid: int\n/mission abort\n```\n\n/mission approve")).toEqual([
        { verb: "revise", text: "Use this schema:\n\n```\nid: int\n/mission abort\n```" },
        { verb: "approve", text: "" },
      ]);
    });
  });

  it("reads a hostile comment of deeply nested quotes, lists or brackets quickly", () => {
    for (const body of ["> ".repeat(30_000), "- ".repeat(30_000), "> - ".repeat(15_000), "[a](".repeat(16_000), "`a``b```c".repeat(7_000)]) {
      const started = performance.now();
      expect(parseCommands(`${body}\n\n/mission approve`).length).toBeLessThanOrEqual(1);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });

  it("handles Windows line endings", () => {
    expect(parseCommands("thanks!\r\n/mission pause\r\n")).toEqual([{ verb: "pause", text: "" }]);
  });

  it("lists every command in the help", () => {
    const help = renderHelp();
    for (const verb of COMMAND_VERBS) expect(help).toContain(`\`/mission ${verb}\``);
  });
});
