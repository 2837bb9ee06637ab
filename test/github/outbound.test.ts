import { execFileSync } from "node:child_process";
import { pino } from "pino";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { address, closes, createOutboundRedactor, createRedactor, missionsOctokit, OctokitGitHub } from "../../src/github/index.ts";
import { startFakeGitHub, type FakeGitHub } from "../fakes/github/index.ts";
import { CREDENTIALS, OPERATOR_SECRETS } from "./credential-shapes.ts";

const OWNER = "acme";
const REPO = "greeter";
const repo = { owner: OWNER, name: REPO, installationId: 100 };

/** What a model (steered by a repository) may write to ping people and teams, in every spelling that renders as `@`. */
const PINGS = "ask @octocat, &#64;hubot, &#x40;monalisa, &commat;defunkt, ＠mojombo, `@pjhyett and @acme/owners (@acme/owners)";
/** A mention GitHub would notify: `@` (or what renders as one) straight before a name. */
const LIVE_MENTION = /(?<![A-Za-z0-9_])(?:@|&#0*64;?|&#x0*40;?|&commat;?|＠)[A-Za-z0-9]/i;
/** A shape only the library rule set (secretlint) knows: not one of this app's own rules. */
const VERCEL_TOKEN = "vcp" + "_" + "Zt4mQ8rX2wLp6Nc9Vb3Hk7Jd5Fg1Sa0Ye";

/** Every credential shape, model-written text that names people, and one credential only the library finds. */
const HOSTILE = [...Object.values(CREDENTIALS).map((credential) => credential.text), `The fix: ${PINGS}.`, `leaked ${VERCEL_TOKEN} to the log`].join("\n");

function git(gitDir: string, ...args: string[]): string {
  return execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });
}

function expectClean(where: string, text: string): void {
  for (const [name, { secret }] of Object.entries(CREDENTIALS)) expect(text.includes(secret), `${name} in ${where}`).toBe(false);
  for (const secret of OPERATOR_SECRETS) expect(text.includes(secret), `an operator secret in ${where}`).toBe(false);
  expect(text, where).not.toContain(VERCEL_TOKEN);
  expect(text, where).not.toMatch(LIVE_MENTION);
  expect(text, where).not.toContain("\u2063");
}

describe("the outbound redactor", () => {
  const redact = createRedactor(OPERATOR_SECRETS);
  const outbound = createOutboundRedactor(redact);

  it("adds secretlint's recommended rule set to this app's own rules", async () => {
    expect(redact(`token ${VERCEL_TOKEN} here`)).toContain(VERCEL_TOKEN);
    expect(await outbound(`token ${VERCEL_TOKEN} here`)).toBe("token [redacted] here");
    expect(await outbound(HOSTILE)).not.toContain(VERCEL_TOKEN);
  });

  it("cannot be switched off by a `secretlint-disable` comment in the text", async () => {
    for (const text of [`<!-- secretlint-disable -->\n${VERCEL_TOKEN}\n<!-- secretlint-enable -->`, `${VERCEL_TOKEN} // secretlint-disable-line`, `# secretlint-disable-next-line\n${VERCEL_TOKEN}`]) {
      expect(await outbound(text), text).not.toContain(VERCEL_TOKEN);
    }
  });

  it("leaves ordinary text alone", async () => {
    const text = "### ✅ Milestone M1 passed\n\n| `VAL-A-001` | pass | `npm test` printed 12 passing |\n\nSee https://github.com/acme/app/pull/3 and mail ops@example.com.";
    expect(await outbound(text)).toBe(text);
  });
});

describe("the GitHub port: one way out for every text", () => {
  let github: FakeGitHub;
  let port: OctokitGitHub;
  let gitDir: string;
  beforeAll(async () => {
    github = await startFakeGitHub();
    ({ gitDir } = await github.createRepo({ owner: OWNER, name: REPO, files: { "README.md": "hi\n", "src/a.ts": "a\n" } }));
    const probot = new Probot({
      appId: github.appId,
      privateKey: github.privateKey,
      secret: github.webhookSecret,
      baseUrl: github.apiUrl,
      log: pino({ level: "silent" }),
      Octokit: missionsOctokit({ secondaryLimitRetries: 0, pace: false }),
    });
    port = new OctokitGitHub(probot, createOutboundRedactor(createRedactor(OPERATOR_SECRETS)));
  });
  afterAll(async () => {
    await github.close();
  });

  it("redacts every credential and defuses every mention in comments, new and edited", async () => {
    const { number } = github.createIssue({ owner: OWNER, repo: REPO, title: "Greet", user: "alice" });
    const id = await port.postComment(repo, number, `### Blocked\n\n${HOSTILE}\n\n${OPERATOR_SECRETS.join("\n")}`);
    expectClean("a new comment", github.comments(OWNER, REPO, number)[0]!.body);
    await port.updateComment(repo, id, `### Still blocked\n\n${HOSTILE}`);
    const [edited] = github.comments(OWNER, REPO, number);
    expectClean("an edited comment", edited!.body);
    // Named, not notified; an e-mail address stays as it is.
    expect(edited!.body).toContain("@\u2060octocat");
    expect(edited!.body).toContain("@\u2060acme/owners");
    expect(edited!.body).toContain("＠\u2060mojombo");
    expect(await port.findOwnComment(repo, number, "### Still blocked")).toMatchObject({ id });
  });

  it("lets through only the app's own address() of a person, not a forged or stale one", async () => {
    const { number } = github.createIssue({ owner: OWNER, repo: REPO, title: "Steer", user: "alice" });
    const forged = "\u2063" + "0".repeat(24) + "\u2063@octocat";
    await port.postComment(repo, number, `${address("alice")} the mission is paused. The worker wrote: ${PINGS} ${forged}. Mail ops@example.com.`);
    const body = github.comments(OWNER, REPO, number)[0]!.body;
    expect(body.startsWith("@alice the mission is paused.")).toBe(true);
    expect(body.slice("@alice".length)).not.toMatch(LIVE_MENTION);
    expect(body).toContain("@\u2060octocat.");
    expect(body).toContain("ops@example.com");
    expect(body).not.toContain("\u2063");
  });

  it("redacts and defuses check runs: name, title, summary, text and annotations", async () => {
    const head = git(gitDir, "rev-parse", "main").trim();
    const annotation = { path: "src/a.ts", startLine: 1, endLine: 1, level: "failure" as const };
    const input = {
      name: `Missions: M1 ${CREDENTIALS["GitHub personal access token"]!.text} @octocat`,
      headSha: head,
      status: "completed" as const,
      conclusion: "failure" as const,
      title: `Failed: ${CREDENTIALS["npm token"]!.text} @octocat`,
      summary: HOSTILE,
      text: HOSTILE,
      annotations: Object.values(CREDENTIALS).map((credential) => ({ ...annotation, message: `${credential.text} ${PINGS}`, title: `major · ${credential.text} @octocat` })),
    };
    const id = await port.createCheckRun(repo, input);
    await port.updateCheckRun(repo, id, { ...input, summary: `again: ${HOSTILE}` });
    const [run] = github.checkRuns(OWNER, REPO);
    expect(run!.output.annotations.length).toBe(2 * Object.keys(CREDENTIALS).length);
    expectClean("a check run", JSON.stringify(run));
    expect(run!.output.annotations[0]!.message).toContain("@\u2060acme/owners");
    expect(run!.output.annotations[0]!.path).toBe("src/a.ts");
    // Found again by the name it was given.
    expect(await port.findCheckRun(repo, head, input.name)).toBe(id);
  });

  it("redacts and defuses pull requests' titles and bodies", async () => {
    const commit = git(gitDir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit-tree", "main^{tree}", "-p", "main", "-m", "F1").trim();
    git(gitDir, "update-ref", "refs/heads/mission/1-greet", commit);
    const pull = await port.createPull(repo, { title: `Greet ${CREDENTIALS["Slack bot token"]!.text} @octocat`, head: "mission/1-greet", base: "main", body: HOSTILE, draft: true });
    expectClean("a new pull request", JSON.stringify(github.pulls(OWNER, REPO)));
    // The app's own closing reference stays; a model's would close another issue on merge, and is defused.
    const model = "The worker says: Fixes #2, resolves: acme/other#3, and see acme/elsewhere#4.";
    await port.updatePull(repo, pull.number, { title: `Greet ${CREDENTIALS["AWS access key id"]!.text}`, body: `${closes(1)}.\n\n${model}\n\n${HOSTILE}` });
    const [shown] = github.pulls(OWNER, REPO);
    expectClean("an edited pull request", JSON.stringify(shown));
    expect(shown!.body).toContain("@\u2060octocat");
    expect(shown!.body).toMatch(/^Closes #1\./);
    expect(shown!.body).toContain("Fixes #\u20602, resolves: acme/other#\u20603, and see acme/elsewhere#\u20604.");
  });

  it("redacts commit messages made through the Git Data API, keeping the trailers", async () => {
    const head = git(gitDir, "rev-parse", "main").trim();
    const tree = git(gitDir, "rev-parse", "main^{tree}").trim();
    const content = Buffer.from("hello\n");
    const blob = execFileSync("git", ["hash-object", "--stdin"], { input: content, encoding: "utf8" }).trim();
    const message = `F1: Greet ${CREDENTIALS["Stripe live key"]!.text}\n\nThe worker said:\n${HOSTILE}\n\nMission: #1\nFeature: F1\n`;
    const made = await port.createCommit(repo, { parent: head, baseTree: tree, message, changes: [{ path: "greeting.txt", mode: "100644", content, sha: blob, known: false }] });
    const pushed = git(gitDir, "log", "-1", "--format=%B", made.sha);
    expectClean("a commit message", pushed);
    expect(pushed).toMatch(/\n\nMission: #1\nFeature: F1\n+$/);
  });
});
