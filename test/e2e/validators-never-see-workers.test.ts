import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { git } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_PLAN, missionResponder, type ScriptedPlan } from "./mission-script.ts";
import { startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";
/** Written by workers only: in their handoffs (summary, discoveries, what was left undone), so in their commit messages too. */
const PLANTED = "WORKER-ONLY-7f3a9c41";
/** What the validators search for: a part of the planted string, so their own requests never contain it whole. */
const PART = "7f3a9c41";

const firstText = (request: NormalizedRequest) => (request.messages[0]?.role === "user" ? request.messages[0].text : "");
const turn = (request: NormalizedRequest) => request.messages.filter((message) => message.role === "assistant").length;
const toolNames = (request: NormalizedRequest) => request.tools.map((tool) => tool.name);
const isValidator = (request: NormalizedRequest) => toolNames(request).some((name) => name === "submit_verdicts" || name === "submit_review");
const isWorker = (request: NormalizedRequest) => toolNames(request).includes("submit_handoff");

/** Every way a validator could look for what the workers wrote: git, `.git`, the parent directories, a search of its tree. */
const PRYING_SHELL = `git log -5 --format=%B 2>&1; cat .git/COMMIT_EDITMSG 2>&1; ls -la 2>&1; ls -la .. 2>&1; cat ../../../*/.git/COMMIT_EDITMSG 2>&1; grep -r ${PART} . ../.. 2>&1 | head -20; true`;
const PRYING_TOOLS = [
  { name: "read_file", arguments: { path: ".git/COMMIT_EDITMSG" } },
  { name: "read_file", arguments: { path: "../../../acme_greeter_1/.git/COMMIT_EDITMSG" } },
  { name: "list_files", arguments: { path: ".", depth: 3 } },
  { name: "grep", arguments: { pattern: PART } },
  { name: "read_file", arguments: { path: "subst.txt" } },
  { name: "read_file", arguments: { path: "greeting.txt" } },
];

describe("validators never see the workers", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("a string only workers wrote (handoff summary, discovery, left undone, so every commit message) is in none of a validator's inputs: prompt, tools, tool and shell results", async () => {
    const plan: ScriptedPlan = {
      ...GREETING_PLAN,
      assertions: [
        ...GREETING_PLAN.assertions,
        { id: "VAL-GREET-003", milestoneId: "M1", statement: "`cat greeting.txt` prints a greeting", verification: "run it in the shell", validator: "user-testing" },
      ],
      features: GREETING_PLAN.features.map((feature) => (feature.id === "F1" ? { ...feature, assertionIds: ["VAL-GREET-001", "VAL-GREET-003"] } : feature)),
    };
    const normal = missionResponder({
      plans: [plan],
      files: {
        F1: { "greeting.txt": "hello\n" },
        // `git archive` would write the commit message into subst.txt: a snapshot must not be an archive.
        F2: { "farewell.txt": "goodbye\n", ".gitattributes": "*.txt export-subst\n", "subst.txt": "$Format:%B$\n" },
        F3: { "greeting.txt": "hello, world\n" },
      },
    });
    harness = await startHarness({
      files: {
        ...FIXTURE_FILES,
        // The repository's own command pries too: its output is part of scrutiny's prompt.
        // …and rewrites a source after the tests: scrutiny and the reviewers must still read the head's code.
        ".github/missions.yml": `commands:\n  test: "${PRYING_SHELL.replace(/"/g, '\\"')}; sh test.sh; s=$?; echo TAMPERED-BY-COMMANDS > greeting.txt; exit $s"\n`,
      },
    });
    harness.models.script((request): Reply => {
      if (isWorker(request)) {
        const reply = normal(request);
        const call = "toolCalls" in reply ? reply.toolCalls?.[0] : undefined;
        if (call?.name !== "submit_handoff") return reply;
        const featureId = /^# Feature (F\d+):/m.exec(firstText(request))?.[1] ?? "?";
        const partial = featureId === "F1";
        return {
          toolCalls: [
            {
              name: "submit_handoff",
              arguments: {
                ...(call.arguments as object),
                status: partial ? "partial" : "done",
                summary: `Implemented ${featureId}; secret note ${PLANTED}-summary-${featureId}.`,
                leftUndone: partial ? [`the comma, see ${PLANTED}-left-undone`] : [],
                issuesDiscovered: [`${PLANTED}-discovery-${featureId}`],
              },
            },
          ],
        };
      }
      if (isValidator(request) && turn(request) === 0) {
        const shell = toolNames(request).includes("bash") ? [{ name: "bash", arguments: { command: PRYING_SHELL } }] : [];
        return { toolCalls: [...shell, ...PRYING_TOOLS] };
      }
      return normal(request);
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    // The planted string really is in what the workers left: their commit messages, the bulletin, the follow-up.
    const messages = git(harness.gitDir, "log", "--format=%B", BRANCH);
    expect(messages).toContain(`${PLANTED}-summary-F1`);
    expect(messages).toContain(`${PLANTED}-discovery-F2`);
    expect(messages).toContain(`${PLANTED}-left-undone`);
    expect(mission!.bulletin.join("\n")).toContain(PLANTED);
    const workers = harness.models.calls.filter((call) => isWorker(call.request));
    expect(workers.some((call) => firstText(call.request).includes(`${PLANTED}-discovery-F1`))).toBe(true);
    expect(workers.some((call) => firstText(call.request).includes(`${PLANTED}-left-undone`))).toBe(true);

    const validators = harness.models.calls.filter((call) => isValidator(call.request));
    const roles = (names: string[]) => validators.filter((call) => names.every((name) => toolNames(call.request).includes(name)));
    // Scrutiny, a reviewer per feature (the Finish: follow-up F3 too) and the QA agent with its shell all ran and pried.
    expect(roles(["submit_verdicts", "bash"]).length).toBeGreaterThan(1);
    expect(roles(["submit_review"]).map((call) => /^# Review of feature (F\d+)/m.exec(firstText(call.request))?.[1])).toEqual(expect.arrayContaining(["F1", "F2", "F3"]));
    // Zero hits: the prompt, the system prompt, the tool specs, every tool call's result (shell output included).
    const hits = validators.filter((call) => JSON.stringify(call.request).includes(PLANTED));
    expect(hits.map((call) => firstText(call.request).split("\n")[0])).toEqual([]);
    // They looked, and found no git: what they read was the code alone.
    const results = validators.flatMap((call) => call.request.messages.flatMap((message) => (message.role === "user" ? message.toolResults : [])));
    expect(results.length).toBeGreaterThan(10);
    expect(results.some((result) => /not a git repository|invalid gitfile format/i.test(result.content))).toBe(true);
    expect(results.some((result) => result.content.includes("$Format:%B$"))).toBe(true);
    const scrutiny = validators.find((call) => toolNames(call.request).includes("submit_verdicts") && !toolNames(call.request).includes("bash"))!;
    // What the repository's commands wrote stays in their own copy: the code scrutiny and the reviewers read is the head's.
    const readers = validators.filter((call) => toolNames(call.request).includes("submit_review") || !toolNames(call.request).includes("bash"));
    const readerResults = readers.flatMap((call) => call.request.messages.flatMap((message) => (message.role === "user" ? message.toolResults : [])));
    expect(readerResults.some((result) => /hello/.test(result.content))).toBe(true);
    expect(readerResults.filter((result) => result.content.includes("TAMPERED-BY-COMMANDS"))).toEqual([]);
    expect(firstText(scrutiny.request)).toMatch(/not a git repository|invalid gitfile format/i);
  });
});
