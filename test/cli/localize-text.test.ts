import { describe, expect, it } from "vitest";
import { localizeRepositoryLinks } from "../../src/cli/localize-text.ts";

describe("local files link nowhere on GitHub", () => {
  it("keeps a branch's and a commit's name and points the pull request to summary.md", () => {
    const body = [
      "| Branch | [`mission/1-add-greetings`](https://github.com/local/repo/tree/mission/1-add-greetings) |",
      "| Pull request | [#1](https://github.com/local/repo/pull/1) (draft) |",
      "**F2** checkpoint at [`abcdef0`](https://github.com/local/repo/commit/abcdef0123456789)",
      "[report](checks/x.md) and [docs](https://example.com/docs/tree/main)",
    ].join("\n");
    expect(localizeRepositoryLinks(body)).toBe(
      [
        "| Branch | `mission/1-add-greetings` |",
        "| Pull request | [#1](summary.md) (draft) |",
        "**F2** checkpoint at `abcdef0`",
        "[report](checks/x.md) and [docs](https://example.com/docs/tree/main)",
      ].join("\n"),
    );
  });
});
