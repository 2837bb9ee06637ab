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

  it("handles Windows line endings", () => {
    expect(parseCommands("thanks!\r\n/mission pause\r\n")).toEqual([{ verb: "pause", text: "" }]);
  });

  it("lists every command in the help", () => {
    const help = renderHelp();
    for (const verb of COMMAND_VERBS) expect(help).toContain(`\`/mission ${verb}\``);
  });
});
