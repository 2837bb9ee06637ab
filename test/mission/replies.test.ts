import { describe, expect, it } from "vitest";
import { defuseMentions } from "../../src/github/index.ts";
import { commandRefusal, configProblemsReply, helpReply, labelRefusal, noMissionReply, renderHelp } from "../../src/mission/index.ts";

/** A reply as GitHub shows it: through the port, which keeps only the app's own mentions. */
const posted = (text: string) => defuseMentions(text);

describe("replies", () => {
  it("refuses a label from someone without write access, naming who can start a mission", () => {
    expect(posted(labelRefusal("eve", "mission"))).toBe(
      "@eve thanks for the interest — only people with write access to this repository can start a mission. A maintainer can add the `mission` label.",
    );
  });

  it("lists the configuration's problems and how to start again", () => {
    expect(configProblemsReply(".github/missions.yml", ["budgetUsd: must be positive", "models.worker: unknown provider"], "mission")).toBe(
      [
        "### ⚠️ The mission could not start",
        "",
        "`.github/missions.yml` has problems:",
        "",
        "- budgetUsd: must be positive",
        "- models.worker: unknown provider",
        "",
        "Fix the file on the default branch, then remove and add the `mission` label again.",
      ].join("\n"),
    );
  });

  it("refuses a command from someone without write access, naming the command", () => {
    expect(posted(commandRefusal("eve", "approve"))).toBe(
      "@eve sorry — only people with write access to this repository can steer a mission, so I did not act on `/mission approve`.",
    );
  });

  it("says there is no mission here, on an issue or a pull request", () => {
    expect(posted(noMissionReply("alice", "issue", "mission"))).toBe("@alice there is no mission on this issue. Add the `mission` label to an issue to start one.");
    expect(posted(noMissionReply("alice", "pull request", "go"))).toBe("@alice there is no mission on this pull request. Add the `go` label to an issue to start one.");
  });

  it("answers help with the commands, and an unknown command with what it is not", () => {
    expect(helpReply()).toBe(renderHelp());
    const unknown = helpReply("aprove");
    expect(unknown.split("\n")[0]).toBe("`/mission aprove` is not a command I know. These are:");
    // A person's word echoed back names nobody, and cannot pose as the app's own address.
    expect(posted(helpReply("@octocat")).split("\n")[0]).toBe("`/mission @\u2060octocat` is not a command I know. These are:");
    expect(unknown).toContain("| `/mission approve` |");
  });
});
