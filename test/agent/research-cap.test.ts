import { describe, expect, it } from "vitest";
import { researchTool, ToolError } from "../../src/agent/index.ts";

describe("the research tool", () => {
  it("runs at most 4 researchers at once: a turn's fifth call is refused with a tool error, and a later turn may start more", async () => {
    const release: Array<() => void> = [];
    const tool = researchTool((question) => new Promise((done) => release.push(() => done(`report on ${question}`))));
    const context = { root: "/nonexistent", readFiles: new Set<string>() };
    const calls = ["a", "b", "c", "d", "e"].map((question) => tool.execute({ question }, context));
    calls.forEach((call) => call.catch(() => {}));
    await expect(calls[4]).rejects.toThrow(ToolError);
    await expect(calls[4]).rejects.toThrow(/at most 4 researchers run at once/);
    for (const done of release) done();
    expect(await Promise.all(calls.slice(0, 4))).toEqual(["report on a", "report on b", "report on c", "report on d"]);
    const next = tool.execute({ question: "e" }, context);
    release.at(-1)!();
    expect(await next).toBe("report on e");
  });
});
