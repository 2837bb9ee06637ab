import { execFile } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "./index.ts";

const OWNER = "octo";
const REPO = "demo";

interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

// Git as a test runs it: never the developer's config or credential helpers, never a prompt.
function git(args: string[], cwd?: string): Promise<GitRun> {
  return new Promise((resolve) => {
    execFile(
      "git",
      args,
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: tmpdir(),
          GIT_TERMINAL_PROMPT: "0",
          GIT_CONFIG_GLOBAL: "/dev/null",
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_AUTHOR_NAME: "Worker",
          GIT_AUTHOR_EMAIL: "worker@example.com",
          GIT_COMMITTER_NAME: "Worker",
          GIT_COMMITTER_EMAIL: "worker@example.com",
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function authHeader(token: string): string[] {
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return ["-c", `http.extraHeader=Authorization: Basic ${basic}`];
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

// A stand-in for the app's webhook endpoint: records what arrives and answers 202.
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(202, { "content-type": "text/plain" }).end("accepted");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`, received, server };
}

describe("fake GitHub", () => {
  let gh: FakeGitHub;
  let bareDir: string;
  let cloneUrl: string;
  let installation: InstanceType<typeof ProbotOctokit>;
  let token: string;
  const workDir = mkdtempSync(join(tmpdir(), "fake-github-test-"));
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    gh = await startFakeGitHub();
    const repo = await gh.createRepo({
      owner: OWNER,
      name: REPO,
      files: { "README.md": "# Demo\n", "src/index.ts": "export const answer = 42;\n" },
    });
    bareDir = repo.gitDir;
    cloneUrl = repo.cloneUrl;
    // Probot's throttling spaces writes 1–3 s apart (GitHub's advice for content creation); off here.
    installation = new ProbotOctokit({
      auth: { appId: gh.appId, privateKey: gh.privateKey, installationId: 100 },
      baseUrl: gh.apiUrl,
      throttle: { enabled: false },
    });
    const app = new ProbotOctokit({ auth: { appId: gh.appId, privateKey: gh.privateKey }, baseUrl: gh.apiUrl });
    const { data } = await app.request("POST /app/installations/{installation_id}/access_tokens", { installation_id: 100 });
    token = data.token;
    receiver = await startReceiver();
    gh.setWebhookTarget(receiver.url);
  });

  afterAll(async () => {
    await gh?.close();
    await new Promise((resolve) => receiver?.server.close(resolve));
    rmSync(workDir, { recursive: true, force: true });
  });

  describe("authentication", () => {
    it("accepts the app's JWT from Probot's own client", async () => {
      const app = new ProbotOctokit({ auth: { appId: gh.appId, privateKey: gh.privateKey }, baseUrl: gh.apiUrl });
      const { data } = await app.request("GET /app");
      expect(data).toMatchObject({ id: 1, slug: "missions" });
      expect(gh.requests.at(-1)).toMatchObject({ method: "GET", path: "/app", status: 200, auth: "app" });
      expect(token).toMatch(/^ghs_/);
    });

    it("refuses a JWT signed with another key", async () => {
      const { privateKey } = generateKeyPairSync("rsa", {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
      });
      const impostor = new ProbotOctokit({ auth: { appId: gh.appId, privateKey }, baseUrl: gh.apiUrl });
      await expect(impostor.request("GET /app")).rejects.toMatchObject({ status: 401 });
    });

    it("refuses an expired JWT and unknown tokens", async () => {
      const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${segment({ alg: "RS256", typ: "JWT" })}.${segment({ iat: now - 1200, exp: now - 600, iss: 1 })}`;
      const response = await fetch(`${gh.apiUrl}/app`, { headers: { authorization: `Bearer ${unsigned}.c2lnbmF0dXJl` } });
      expect(response.status).toBe(401);
      const bogus = await fetch(`${gh.apiUrl}/repos/${OWNER}/${REPO}/issues/1`, { headers: { authorization: "token ghs_madeup" } });
      expect(bogus.status).toBe(401);
      expect(await bogus.json()).toMatchObject({ message: "Bad credentials" });
    });

    it("gives Probot's installation client an installation token", async () => {
      const { data } = await installation.rest.repos.get({ owner: OWNER, repo: REPO });
      expect(data).toMatchObject({ name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: "main", private: false });
      expect(data.clone_url).toBe(cloneUrl);
      expect(gh.requests.at(-1)).toMatchObject({ path: `/repos/${OWNER}/${REPO}`, auth: "installation", status: 200 });
    });

    it("answers unknown routes with GitHub's 404", async () => {
      const response = await fetch(`${gh.apiUrl}/nope`, { headers: { authorization: `token ${token}` } });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ message: "Not Found", documentation_url: expect.any(String) });
    });
  });

  describe("git over smart HTTP", () => {
    it("clones with an installation token and refuses without one", async () => {
      const dir = join(workDir, "clone");
      const ok = await git([...authHeader(token), "clone", cloneUrl, dir]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(readFileSync(join(dir, "src/index.ts"), "utf8")).toBe("export const answer = 42;\n");
      expect((await git(["log", "--format=%an <%ae>"], dir)).stdout.trim()).toBe("Test <test@example.com>");

      const refused = await git(["clone", cloneUrl, join(workDir, "refused")]);
      expect(refused.code).not.toBe(0);
      expect(existsSync(join(workDir, "refused", "README.md"))).toBe(false);
      const bad = await git([...authHeader("ghs_wrong"), "clone", cloneUrl, join(workDir, "bad")]);
      expect(bad.code).not.toBe(0);
    });

    it("lands a push in the bare repository, visible through the API", async () => {
      const dir = join(workDir, "push");
      expect((await git([...authHeader(token), "clone", cloneUrl, dir])).code).toBe(0);
      await git(["checkout", "-b", "mission/1-demo"], dir);
      writeFileSync(join(dir, "NOTES.md"), "pushed over http\n");
      await git(["add", "NOTES.md"], dir);
      expect((await git(["commit", "-m", "Add notes"], dir)).code).toBe(0);
      const pushed = await git([...authHeader(token), "push", "origin", "mission/1-demo"], dir);
      expect(pushed.code, pushed.stderr).toBe(0);

      const local = (await git(["rev-parse", "HEAD"], dir)).stdout.trim();
      const remote = (await git([`--git-dir=${bareDir}`, "rev-parse", "refs/heads/mission/1-demo"])).stdout.trim();
      expect(remote).toBe(local);

      const { data: ref } = await installation.rest.git.getRef({ owner: OWNER, repo: REPO, ref: "heads/mission/1-demo" });
      expect(ref.object.sha).toBe(local);
      const { data: branch } = await installation.rest.repos.getBranch({ owner: OWNER, repo: REPO, branch: "mission/1-demo" });
      expect(branch.commit.sha).toBe(local);
      expect(branch.commit.commit.message).toBe("Add notes");
      await expect(installation.rest.git.getRef({ owner: OWNER, repo: REPO, ref: "heads/absent" })).rejects.toMatchObject({ status: 404 });
    });

    it("refuses, as GitHub does, a push that touches .github/workflows from an installation without the workflows permission", async () => {
      const dir = join(workDir, "workflows");
      expect((await git([...authHeader(token), "clone", cloneUrl, dir])).code).toBe(0);
      await git(["checkout", "-b", "mission/2-ci"], dir);
      mkdirSync(join(dir, ".github", "workflows"), { recursive: true });
      writeFileSync(join(dir, ".github", "workflows", "ci.yml"), "on: push\n");
      writeFileSync(join(dir, "OTHER.md"), "fine\n");
      await git(["add", "--all"], dir);
      expect((await git(["commit", "-m", "Add CI"], dir)).code).toBe(0);
      const installationId = 100;
      const granted = gh.installationPermissions(installationId);
      expect(granted.workflows).toBe("write");
      const { workflows: _workflows, ...without } = granted;
      gh.setInstallationPermissions(installationId, without);
      const mint = async () =>
        (await new ProbotOctokit({ auth: { appId: gh.appId, privateKey: gh.privateKey }, baseUrl: gh.apiUrl }).request("POST /app/installations/{installation_id}/access_tokens", { installation_id: installationId })).data;
      let restricted: string;
      try {
        // The installation's token says what it has, as GitHub's does.
        const data = await mint();
        expect(data.permissions).not.toHaveProperty("workflows");
        restricted = data.token;
        const refused = await git([...authHeader(restricted), "push", "origin", "mission/2-ci"], dir);
        expect(refused.code).not.toBe(0);
        expect(refused.stderr).toContain("remote: error: refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission");
        expect(refused.stderr).toContain("! [remote rejected]");
        expect((await git([`--git-dir=${bareDir}`, "rev-parse", "--verify", "--quiet", "refs/heads/mission/2-ci"])).code).not.toBe(0);
      } finally {
        gh.setInstallationPermissions(installationId, granted);
      }
      // Accepted: a token made before still lacks it (tokens keep their permissions); a new one pushes.
      expect((await git([...authHeader(restricted), "push", "origin", "mission/2-ci"], dir)).code).not.toBe(0);
      const pushed = await git([...authHeader((await mint()).token), "push", "origin", "mission/2-ci"], dir);
      expect(pushed.code, pushed.stderr).toBe(0);
    });
  });

  describe("git over smart HTTP, larger negotiations", () => {
    it("handles gzip-encoded request bodies (git compresses upload-pack requests over 1 KiB)", async () => {
      const main = (await git([`--git-dir=${bareDir}`, "rev-parse", "refs/heads/main"])).stdout.trim();
      for (let i = 0; i < 40; i++) await git([`--git-dir=${bareDir}`, "update-ref", `refs/heads/many/branch-${i}`, main]);
      for (const version of ["2", "0"]) {
        const dir = join(workDir, `mirror-v${version}`);
        const cloned = await git([...authHeader(token), "-c", `protocol.version=${version}`, "clone", "--mirror", cloneUrl, dir]);
        expect(cloned.code, cloned.stderr).toBe(0);
        const branches = (await git([`--git-dir=${dir}`, "branch", "--list", "many/*"])).stdout.trim().split("\n");
        expect(branches).toHaveLength(40);
      }
      for (let i = 0; i < 40; i++) await git([`--git-dir=${bareDir}`, "update-ref", "-d", `refs/heads/many/branch-${i}`]);
    });
  });

  describe("robustness", () => {
    it("answers 500 when a handler fails, and keeps serving", async () => {
      const broken = await gh.createRepo({ owner: OWNER, name: "broken", files: { "a.txt": "a" } });
      rmSync(broken.gitDir, { recursive: true, force: true });
      const headers = { authorization: `token ${token}` };
      const failed = await fetch(`${gh.apiUrl}/repos/${OWNER}/broken/contents/a.txt`, { headers });
      expect(failed.status).toBe(500);
      expect(await failed.json()).toMatchObject({ message: expect.stringContaining("fake GitHub") });
      const fine = await fetch(`${gh.apiUrl}/repos/${OWNER}/${REPO}`, { headers });
      expect(fine.status).toBe(200);
    });
  });

  describe("contents", () => {
    it("returns a real file from git, by default branch or ref", async () => {
      const { data } = await installation.rest.repos.getContent({ owner: OWNER, repo: REPO, path: "src/index.ts" });
      if (Array.isArray(data) || data.type !== "file") throw new Error("expected a file");
      expect(data.encoding).toBe("base64");
      expect(Buffer.from(data.content, "base64").toString("utf8")).toBe("export const answer = 42;\n");
      expect(data.sha).toMatch(/^[0-9a-f]{40}$/);

      const onBranch = await installation.rest.repos.getContent({ owner: OWNER, repo: REPO, path: "NOTES.md", ref: "mission/1-demo" });
      expect(Array.isArray(onBranch.data)).toBe(false);
      await expect(installation.rest.repos.getContent({ owner: OWNER, repo: REPO, path: "NOTES.md" })).rejects.toMatchObject({
        status: 404,
      });

      const { data: root } = await installation.rest.repos.getContent({ owner: OWNER, repo: REPO, path: "" });
      expect(Array.isArray(root) && root.map((entry) => `${entry.type}:${entry.path}`).sort()).toEqual(["dir:src", "file:README.md"]);
    });
  });

  describe("issues, comments and permissions", () => {
    it("creates and edits comments as the bot, announcing them as webhooks", async () => {
      const { number } = gh.createIssue({ owner: OWNER, repo: REPO, title: "Add a feature", body: "Please", user: "alice" });
      const before = receiver.received.length;
      const { data: created } = await installation.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: number, body: "Hello" });
      await installation.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: created.id, body: "Hello, edited" });
      await gh.settled();

      const [comment] = gh.comments(OWNER, REPO, number);
      expect(comment).toMatchObject({
        id: created.id,
        body: "Hello, edited",
        user: { login: "missions[bot]", type: "Bot" },
        edits: 1,
        performed_via_github_app: { id: 1, slug: "missions" },
      });
      const events = receiver.received.slice(before).map((r) => JSON.parse(r.body) as { action: string; sender: { type: string } });
      expect(events.map((e) => `${e.action}:${e.sender.type}`)).toEqual(["created:Bot", "edited:Bot"]);
    });

    it("paginates comments with a Link header", async () => {
      const { number } = gh.createIssue({ owner: OWNER, repo: REPO, title: "Chatty", user: "alice" });
      for (let i = 1; i <= 35; i++) {
        await installation.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: number, body: `comment ${i}` });
      }
      const first = await installation.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: number });
      expect(first.data).toHaveLength(30);
      expect(first.headers.link).toContain('rel="next"');
      const all = await installation.paginate(installation.rest.issues.listComments, {
        owner: OWNER,
        repo: REPO,
        issue_number: number,
        per_page: 10,
      });
      expect(all.map((c) => c.body)).toEqual(Array.from({ length: 35 }, (_, i) => `comment ${i + 1}`));
      await gh.settled();
    });

    it("delivers people's labels and comments, signed, and reports the app's answer", async () => {
      const { number } = gh.createIssue({ owner: OWNER, repo: REPO, title: "Start", user: "alice" });
      gh.setPermission(OWNER, REPO, "alice", "maintain");
      const result = await gh.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: "alice", deliveryId: "d-1" });
      expect(result).toEqual({ status: 202, body: "accepted", deliveryId: "d-1" });

      const delivery = receiver.received.at(-1);
      if (!delivery) throw new Error("no delivery");
      const expected = `sha256=${createHmac("sha256", gh.webhookSecret).update(delivery.body).digest("hex")}`;
      expect(delivery.headers["x-hub-signature-256"]).toBe(expected);
      expect(delivery.headers).toMatchObject({
        "content-type": "application/json",
        "x-github-event": "issues",
        "x-github-delivery": "d-1",
        "user-agent": "GitHub-Hookshot/fake",
      });
      expect(delivery.headers["x-github-hook-id"]).toBeTruthy();
      expect(JSON.parse(delivery.body)).toMatchObject({
        action: "labeled",
        label: { name: "mission" },
        issue: { number, title: "Start", labels: [{ name: "mission" }], state: "open" },
        repository: { full_name: `${OWNER}/${REPO}`, default_branch: "main" },
        sender: { login: "alice", type: "User" },
        installation: { id: 100 },
      });
      expect(gh.lastDelivery()).toMatchObject({ event: "issues", deliveryId: "d-1" });
      expect(gh.issue(OWNER, REPO, number).labels.map((l) => l.name)).toEqual(["mission"]);

      const said = await gh.comment({ owner: OWNER, repo: REPO, issue: number, body: "/mission status", user: "bob" });
      expect(said.status).toBe(202);
      const edited = await gh.editComment({ owner: OWNER, repo: REPO, commentId: said.commentId, body: "/mission approve", user: "bob" });
      expect(edited.status).toBe(202);
      expect(JSON.parse(receiver.received.at(-1)?.body ?? "{}")).toMatchObject({
        action: "edited",
        changes: { body: { from: "/mission status" } },
        comment: { id: said.commentId, body: "/mission approve", user: { login: "bob" }, performed_via_github_app: null },
      });

      const alice = await installation.rest.repos.getCollaboratorPermissionLevel({ owner: OWNER, repo: REPO, username: "alice" });
      expect(alice.data).toMatchObject({ permission: "write", role_name: "maintain" });
      const bob = await installation.rest.repos.getCollaboratorPermissionLevel({ owner: OWNER, repo: REPO, username: "bob" });
      expect(bob.data.permission).toBe("none");
      const owner = await installation.rest.repos.getCollaboratorPermissionLevel({ owner: OWNER, repo: REPO, username: OWNER });
      expect(owner.data.permission).toBe("admin");
    });

    it("removes labels and records reactions", async () => {
      const { number } = gh.createIssue({ owner: OWNER, repo: REPO, title: "Labels", user: "alice" });
      await installation.rest.issues.addLabels({ owner: OWNER, repo: REPO, issue_number: number, labels: ["a", "b"] });
      await installation.rest.issues.removeLabel({ owner: OWNER, repo: REPO, issue_number: number, name: "a" });
      expect(gh.issue(OWNER, REPO, number).labels.map((l) => l.name)).toEqual(["b"]);
      await expect(installation.rest.issues.removeLabel({ owner: OWNER, repo: REPO, issue_number: number, name: "a" })).rejects.toMatchObject({
        status: 404,
      });
      const reaction = await installation.rest.reactions.createForIssue({ owner: OWNER, repo: REPO, issue_number: number, content: "eyes" });
      expect(reaction.status).toBe(201);
      await gh.settled();
    });
  });

  describe("check runs", () => {
    it("enforces GitHub's limits and appends annotations", async () => {
      const sha = (await git([`--git-dir=${bareDir}`, "rev-parse", "refs/heads/main"])).stdout.trim();
      const base = { owner: OWNER, repo: REPO, name: "Mission scrutiny · M1", head_sha: sha };
      const annotation = (line: number) => ({ path: "src/index.ts", start_line: line, end_line: line, annotation_level: "warning" as const, message: `m${line}` });

      const tooLong = installation.rest.checks.create({ ...base, output: { title: "t", summary: "x".repeat(65_536) } });
      await expect(tooLong).rejects.toMatchObject({ status: 422 });
      const tooMany = installation.rest.checks.create({
        ...base,
        output: { title: "t", summary: "s", annotations: Array.from({ length: 51 }, (_, i) => annotation(i + 1)) },
      });
      await expect(tooMany).rejects.toMatchObject({ status: 422 });
      const action = (i: number) => ({ label: `a${i}`, description: "d", identifier: `i${i}` });
      await expect(installation.rest.checks.create({ ...base, actions: [1, 2, 3, 4].map(action) })).rejects.toMatchObject({ status: 422 });
      await expect(installation.rest.checks.create({ ...base, status: "completed" })).rejects.toMatchObject({ status: 422 });
      await expect(installation.rest.checks.create({ ...base, head_sha: "0".repeat(40) })).rejects.toMatchObject({ status: 422 });

      const { data: run } = await installation.rest.checks.create({
        ...base,
        status: "in_progress",
        external_id: "mission-1",
        output: { title: "Scrutiny", summary: "running", annotations: Array.from({ length: 50 }, (_, i) => annotation(i + 1)) },
      });
      await installation.rest.checks.update({
        owner: OWNER,
        repo: REPO,
        check_run_id: run.id,
        conclusion: "failure",
        output: { summary: "2 assertions failed", annotations: Array.from({ length: 50 }, (_, i) => annotation(i + 51)) },
      });

      const [view] = gh.checkRuns(OWNER, REPO);
      expect(view).toMatchObject({
        id: run.id,
        head_sha: sha,
        status: "completed",
        conclusion: "failure",
        external_id: "mission-1",
        output: { title: "Scrutiny", summary: "2 assertions failed" },
        app: { id: 1, slug: "missions" },
        updates: 1,
      });
      expect(view?.output.annotations).toHaveLength(100);
      expect(view?.completed_at).toBeTruthy();

      const { data: listed } = await installation.rest.checks.listForRef({ owner: OWNER, repo: REPO, ref: "main", check_name: base.name });
      expect(listed.total_count).toBe(1);
      expect(listed.check_runs[0]?.output.annotations_count).toBe(100);
    });
  });

  describe("pull requests", () => {
    it("creates a draft PR, lists it, refuses duplicates and marks it ready through GraphQL", async () => {
      const created = await installation.rest.pulls.create({
        owner: OWNER,
        repo: REPO,
        title: "Mission #1",
        head: "mission/1-demo",
        base: "main",
        body: "Draft",
        draft: true,
      });
      expect(created.status).toBe(201);
      expect(created.data).toMatchObject({ draft: true, state: "open", head: { ref: "mission/1-demo" }, base: { ref: "main" } });
      const headSha = (await git([`--git-dir=${bareDir}`, "rev-parse", "refs/heads/mission/1-demo"])).stdout.trim();
      expect(created.data.head.sha).toBe(headSha);

      // Issues and PRs share one number sequence: this PR follows the issues created above.
      expect(created.data.number).toBe(gh.createIssue({ owner: OWNER, repo: REPO, title: "after", user: "alice" }).number - 1);
      expect(gh.issue(OWNER, REPO, created.data.number).pull_request).toBeDefined();

      const again = installation.rest.pulls.create({ owner: OWNER, repo: REPO, title: "Again", head: "mission/1-demo", base: "main" });
      await expect(again).rejects.toMatchObject({ status: 422 });
      const missing = installation.rest.pulls.create({ owner: OWNER, repo: REPO, title: "None", head: "no-such-branch", base: "main" });
      await expect(missing).rejects.toMatchObject({ status: 422 });

      const { data: open } = await installation.rest.pulls.list({ owner: OWNER, repo: REPO, state: "open", head: `${OWNER}:mission/1-demo` });
      expect(open.map((p) => p.number)).toEqual([created.data.number]);
      const { data: none } = await installation.rest.pulls.list({ owner: OWNER, repo: REPO, head: `${OWNER}:other` });
      expect(none).toEqual([]);

      const result = await installation.graphql<{ markPullRequestReadyForReview: { pullRequest: { isDraft: boolean; number: number } } }>(
        `mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft number } } }`,
        { id: created.data.node_id },
      );
      expect(result.markPullRequestReadyForReview.pullRequest).toEqual({ isDraft: false, number: created.data.number });
      expect(gh.pulls(OWNER, REPO)).toEqual([
        expect.objectContaining({ number: created.data.number, draft: false, head: { ref: "mission/1-demo", sha: headSha } }),
      ]);
      await expect(installation.graphql("query { viewer { login } }")).rejects.toThrow(/does not support/);

      await installation.rest.pulls.update({ owner: OWNER, repo: REPO, pull_number: created.data.number, state: "closed" });
      expect(gh.pulls(OWNER, REPO)[0]?.state).toBe("closed");
      const { data: issue } = await installation.rest.issues.get({ owner: OWNER, repo: REPO, issue_number: created.data.number });
      expect(issue.pull_request?.url).toContain(`/pulls/${created.data.number}`);
    });
  });

  describe("fault injection", () => {
    it("answers the next matching requests with the injected response", async () => {
      gh.failNext({ method: "GET", path: /\/issues\/1$/, status: 503, times: 2, headers: { "retry-after": "1" }, body: { message: "down" } });
      const headers = { authorization: `token ${token}` };
      const first = await fetch(`${gh.apiUrl}/repos/${OWNER}/${REPO}/issues/1`, { headers });
      const second = await fetch(`${gh.apiUrl}/repos/${OWNER}/${REPO}/issues/1`, { headers });
      const third = await fetch(`${gh.apiUrl}/repos/${OWNER}/${REPO}/issues/1`, { headers });
      expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
      expect(first.headers.get("retry-after")).toBe("1");
      expect(await first.json()).toEqual({ message: "down" });
      expect(gh.requests.slice(-3).map((r) => r.status)).toEqual([503, 503, 200]);
    });
  });
});
