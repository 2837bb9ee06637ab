import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CREDENTIALS } from "../github/credential-shapes.ts";
import { git } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { ANTHROPIC_KEY, OPENAI_KEY, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const DASHBOARD_TOKEN = "operator-dashboard-token-0123456789";

/** Every file under a directory, as text. */
function allText(directory: string): string {
  let text = "";
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) text += allText(path);
    else text += readFileSync(path).toString("latin1");
  }
  return text;
}

describe("secrets never reach comments, check runs, commits, logs or the store", () => {
  let harness: Harness;
  const saved = { ...process.env };
  beforeEach(async () => {
    // In production the operator's secrets live in the app's environment; so they do here.
    Object.assign(process.env, { ANTHROPIC_API_KEY: ANTHROPIC_KEY, PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----", WEBHOOK_SECRET: "webhook-secret-for-tests", GITHUB_TOKEN: "ghs_processenvtoken123" });
    harness = await startHarness({
      files: { ...FIXTURE_FILES, "test.sh": "#!/bin/sh\nenv\ngrep -q hello greeting.txt\n" },
      // Every kind of provider key the operator may hold; validators run on OpenAI.
      env: (models) => ({ MISSIONS_DASHBOARD_TOKEN: DASHBOARD_TOKEN, OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: models.openaiBaseUrl, MISSIONS_MODEL: "", MISSIONS_PROVIDER_GATEWAY_BASE_URL: models.openaiBaseUrl, MISSIONS_PROVIDER_GATEWAY_API_KEY: OPENAI_KEY }),
    });
  });
  afterEach(async () => {
    await harness.close();
    for (const name of ["ANTHROPIC_API_KEY", "PRIVATE_KEY", "WEBHOOK_SECRET", "GITHUB_TOKEN"]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  /** The operator's view of the dashboard: the list of missions and each mission's page. */
  async function dashboard(): Promise<string> {
    const get = async (path: string) => {
      const response = await fetch(`${harness.app.url}${path}`, { headers: { authorization: `Bearer ${DASHBOARD_TOKEN}` } });
      expect(response.status, path).toBe(200);
      return response.text();
    };
    const missions = await harness.app.store.listMissions();
    expect(missions.length).toBeGreaterThan(0);
    return [await get("/missions"), ...(await Promise.all(missions.map((mission) => get(`/missions/${mission.id}`))))].join("\n");
  }

  /** Every text the app posted, pushed or showed: comments, check runs (names and annotations too), pull requests, commit messages, its log and its dashboard. */
  async function posted(number: number): Promise<Record<string, string>> {
    return {
      comments: JSON.stringify(harness.github.comments(OWNER, REPO, number)),
      checkRuns: JSON.stringify(harness.github.checkRuns(OWNER, REPO)),
      pulls: JSON.stringify(harness.github.pulls(OWNER, REPO)),
      commits: git(harness.gitDir, "log", "--all", "--format=%H %an %ae%n%B"),
      logs: harness.logs.join(""),
      dashboard: await dashboard(),
    };
  }

  it("redacts every credential shape a failing repository command prints, wherever the output is posted", async () => {
    await harness.close();
    const leaks = Object.values(CREDENTIALS).map((credential) => credential.text).join("\n");
    harness = await startHarness({
      env: { MISSIONS_DASHBOARD_TOKEN: DASHBOARD_TOKEN },
      files: { ...FIXTURE_FILES, "leak.txt": `${leaks}\n`, "test.sh": "#!/bin/sh\necho 'leaked ghp_abcdefghijklmnopqrstuvwxyz0123456789 from .env'\ncat leak.txt\nexit 1\n", ".github/missions.yml": "commands:\n  test: sh test.sh\nremediation:\n  rounds: 0\n" },
    });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const number = await harness.startMission();
    await harness.say(number);
    const summary = harness.github.checkRuns(OWNER, REPO)[0]!.output.summary ?? "";
    expect(summary).toContain("leaked [redacted] from .env");
    expect(summary).not.toContain("ghp_");
    // The output did reach the check run, redacted.
    // (Adjacent lines of base64 are one block to the redactor, so a few shapes share one mark.)
    expect(summary.match(/\[redacted\]/g)!.length).toBeGreaterThanOrEqual(Object.keys(CREDENTIALS).length - 5);
    const places = await posted(number);
    for (const [where, text] of Object.entries(places)) {
      for (const [name, { secret }] of Object.entries(CREDENTIALS)) expect(text.includes(secret), `${name} in ${where}`).toBe(false);
    }
  });

  it("redacts every credential shape a model writes into a commit's subject and body, in the commit and wherever else it is posted", async () => {
    const texts = Object.values(CREDENTIALS).map((credential) => credential.text);
    // A handoff's summary holds at most 2,000 characters: the shapes are spread over as many features as that takes.
    const chunks: string[][] = [[]];
    for (const text of texts) {
      if ([...chunks.at(-1)!, text].join("\n").length > 1_800) chunks.push([]);
      chunks.at(-1)!.push(text);
    }
    const extra = chunks.slice(GREETING_PLAN.features.length).map((_, index) => ({ id: `F${index + 3}`, milestoneId: "M1", title: `Add note ${index + 1}`, description: `Create note-${index + 1}.txt.`, assertionIds: [`VAL-NOTE-${String(index + 1).padStart(3, "0")}`] }));
    const plan = {
      ...GREETING_PLAN,
      // One owner per assertion: each note has its own.
      assertions: [...GREETING_PLAN.assertions, ...extra.map((feature, index) => ({ id: feature.assertionIds[0]!, milestoneId: "M1", statement: `note-${index + 1}.txt exists`, verification: "the file is there" }))],
      features: [...GREETING_PLAN.features.map((feature, index) => ({ ...feature, title: `${feature.title} ${index === 0 ? CREDENTIALS["GitHub personal access token"]!.text : CREDENTIALS["AWS access key id"]!.text}` })), ...extra],
    };
    const files: Record<string, Record<string, string>> = { ...GREETING_FILES, ...Object.fromEntries(extra.map((feature, index) => [feature.id, { [`note-${index + 1}.txt`]: "note\n" }])) };
    const summaries = Object.fromEntries(chunks.map((chunk, index) => [`F${index + 1}`, `Wrote it; the tests used:\n${chunk.join("\n")}`]));
    // A reviewer quotes them too: its findings become the check run's annotations.
    const half = Math.ceil(texts.length / 2);
    const quoted = (part: string[], path: string) => part.map((text) => ({ path, line: 1, severity: "nit" as const, message: `Do not commit ${text}` }));
    const review = (featureId: string) => (featureId === "F1" ? quoted(texts.slice(0, half), "greeting.txt") : featureId === "F2" ? quoted(texts.slice(half), "farewell.txt") : []);
    harness.models.script(missionResponder({ plans: [plan], files, summaries, review }));
    const number = await harness.startMission();
    await harness.say(number);
    const places = await posted(number);
    const annotations = harness.github.checkRuns(OWNER, REPO).flatMap((check) => check.output.annotations);
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status, `${mission!.reason} ${JSON.stringify(harness.github.comments(OWNER, REPO, number).map((comment) => comment.body.slice(0, 600)))}`).toBe("done");
    const quotedShapes = annotations.filter((annotation) => annotation.message.startsWith("Do not commit "));
    expect(quotedShapes).toHaveLength(texts.length);
    for (const annotation of quotedShapes) expect(annotation.message).toContain("[redacted]");
    // The handoff summaries are on the dashboard, redacted.
    expect(places.dashboard).toContain("Wrote it; the tests used:");
    // Both features were committed, their messages redacted rather than dropped.
    expect(places.commits).toContain("Add the greeting file [redacted]");
    expect(places.commits).toContain("Add the farewell file [redacted]");
    expect(places.commits).toContain("Wrote it; the tests used:\n[redacted]");
    for (const [where, text] of Object.entries(places)) {
      for (const [name, { secret }] of Object.entries(CREDENTIALS)) expect(text.includes(secret), `${name} in ${where}`).toBe(false);
    }
  });

  it("holds for a whole mission, including the repository's own commands' environment", async () => {
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const number = await harness.startMission();
    await harness.say(number);
    expect(harness.github.pulls(OWNER, REPO)[0]!.draft).toBe(false);

    // The app did use installation tokens (ghs_…) for the API and for git.
    expect(harness.github.requests.some((request) => request.auth === "installation")).toBe(true);
    const keyLine = harness.github.privateKey.split("\n")[1]!;
    const places = {
      comments: JSON.stringify(harness.github.comments(OWNER, REPO, number)),
      checkRuns: JSON.stringify(harness.github.checkRuns(OWNER, REPO)),
      pulls: JSON.stringify(harness.github.pulls(OWNER, REPO)),
      commits: git(harness.gitDir, "log", "--all", "--format=%H %an %ae%n%B"),
      logs: harness.logs.join(""),
      store: allText(harness.dataDir).replace(/\0/g, ""),
      // What agents saw (the request headers legitimately carry the provider key; the content must not).
      agents: JSON.stringify(harness.models.calls.map((call: { request: { system: string; messages: unknown } }) => ({ system: call.request.system, messages: call.request.messages }))),
    };
    expect(places.logs.length).toBeGreaterThan(1000);
    // Both providers were used, so both keys were in play.
    expect(new Set(harness.models.calls.map((call) => call.request.protocol))).toEqual(new Set(["anthropic", "openai"]));
    for (const [where, text] of Object.entries(places)) {
      expect(text, where).not.toMatch(/ghs_[A-Za-z0-9]{8,}/);
      expect(text.includes(keyLine), where).toBe(false);
      expect(text.includes(ANTHROPIC_KEY), where).toBe(false);
      expect(text.includes(OPENAI_KEY), where).toBe(false);
      expect(text.includes(harness.github.webhookSecret), where).toBe(false);
    }
    // The test command printed its environment, which the scrutiny agent read: nothing of the app's is in it.
    expect(places.agents).toContain("CI=true");
    for (const name of ["ANTHROPIC", "PRIVATE_KEY", "WEBHOOK_SECRET", "APP_ID", "DATABASE_URL", "GHE_HOST"]) {
      expect(places.agents).not.toContain(name);
    }
    // The checkout's git config holds no credentials.
    const checkouts = join(harness.env.MISSIONS_WORKSPACES!);
    for (const checkout of readdirSync(checkouts).filter((name) => !name.startsWith("."))) {
      const config = execFileSync("git", ["config", "--list", "--local"], { cwd: join(checkouts, checkout), encoding: "utf8" });
      expect(config).not.toMatch(/ghs_|extraheader|x-access-token/i);
    }
  });
});
