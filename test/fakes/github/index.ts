import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBareRepo } from "./create-bare-repo.ts";
import { FakeState } from "./fake-state.ts";
import { createFakeServer } from "./fake-server.ts";
import { FaultInjector } from "./fault-injector.ts";
import { generateAppKey } from "./generate-app-key.ts";
import { checkRunViews, commentViews, issueView, pullViews } from "./inspection-views.ts";
import { PeopleActions } from "./people-actions.ts";
import { timestamp } from "./timestamp.ts";
import { Router } from "./router.ts";
import { addAppRoutes } from "./routes/app-routes.ts";
import { addCheckRunRoutes } from "./routes/check-run-routes.ts";
import { addCommentRoutes } from "./routes/comment-routes.ts";
import { addIssueRoutes } from "./routes/issue-routes.ts";
import { addPullRoutes } from "./routes/pull-routes.ts";
import { addRepoRoutes } from "./routes/repo-routes.ts";
import { addGitDataRoutes, commitVerification } from "./routes/git-data-routes.ts";
import { addReviewRoutes } from "./routes/review-routes.ts";
import type { FakeGitHub, RecordedRequest, RequestHook, StartOptions } from "./types.ts";
import { WebhookSender } from "./webhook-sender.ts";
import { FakeOAuth } from "./oauth.ts";
import { FakeAppRegistration } from "./app-registration.ts";

export type * from "./types.ts";

// Starts a fake GitHub (REST + GraphQL + smart HTTP git + signed webhooks) on 127.0.0.1 at a
// free port. Point Probot at it with GHE_HOST=<host> and GHE_PROTOCOL=http.
export async function startFakeGitHub(options: StartOptions = {}): Promise<FakeGitHub> {
  const appId = options.appId ?? 1;
  const appSlug = options.appSlug ?? "missions";
  const webhookSecret = options.webhookSecret ?? "test-secret";
  const key = await generateAppKey();
  const rootDir = await mkdtemp(join(tmpdir(), "fake-github-"));
  const state = new FakeState({ appId, appSlug, publicKey: key.publicKey, rootDir });
  const webhooks = new WebhookSender(webhookSecret, appId);
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const hook: { current?: RequestHook } = {};
  const router = new Router();
  addAppRoutes(router);
  addRepoRoutes(router);
  addGitDataRoutes(router);
  addIssueRoutes(router);
  addCommentRoutes(router);
  addPullRoutes(router);
  addReviewRoutes(router);
  addCheckRunRoutes(router);

  const oauth = new FakeOAuth(state);
  const registration = new FakeAppRegistration(state, { privateKey: key.privateKey, webhookSecret, oauthClient: oauth });
  registration.addRoutes(router);
  const server = createFakeServer({ world: { state, webhooks }, router, faults, requests, oauth, registration, hook });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  state.baseUrl = `http://${host}`;
  const people = new PeopleActions(state, webhooks);

  return {
    url: state.baseUrl,
    host,
    apiUrl: state.apiUrl,
    appId,
    appSlug,
    botLogin: state.botLogin,
    webhookSecret,
    privateKey: key.privateKey,
    requests,

    setWebhookTarget: (url) => webhooks.setTarget(url),
    registrations: () => registration.registrations.map((entry) => ({ manifest: entry.manifest, organization: entry.organization, converted: entry.converted })),
    oauthClient: { clientId: oauth.clientId, clientSecret: oauth.clientSecret },
    authorizeAs: (login) => {
      if (login) state.user(login);
      oauth.person = login;
    },

    async createRepo(input) {
      if (state.findRepo(input.owner, input.name)) throw new Error(`fake GitHub: ${input.owner}/${input.name} already exists`);
      const defaultBranch = input.defaultBranch ?? "main";
      const gitDir = join(rootDir, input.owner, `${input.name}.git`);
      await createBareRepo({ gitDir, defaultBranch, files: input.files });
      state.addRepo({
        id: state.nextId(),
        owner: state.user(input.owner),
        name: input.name,
        gitDir,
        defaultBranch,
        installationId: input.installationId ?? 100,
        createdAt: timestamp(),
        permissions: new Map(),
        issues: new Map(),
        comments: new Map(),
        labels: new Map(),
        checkRuns: new Map(),
        reviews: new Map(),
        reviewComments: new Map(),
        nextNumber: 1,
        verifiedCommits: new Set(),
        signedCommitBranches: [],
      });
      return { owner: input.owner, name: input.name, gitDir, cloneUrl: `${state.baseUrl}/${input.owner}/${input.name}.git` };
    },

    setPermission(owner, repo, login, permission) {
      state.user(login);
      state.repo(owner, repo).permissions.set(login.toLowerCase(), permission);
    },

    requireSignedCommits(owner, repo, pattern) {
      state.repo(owner, repo).signedCommitBranches.push(pattern);
    },
    verification: (owner, repo, sha) => commitVerification(state.repo(owner, repo), sha),

    installationPermissions: (installationId) => state.installationPermissions(installationId),
    setInstallationPermissions: (installationId, permissions) => state.setInstallationPermissions(installationId, permissions),

    createIssue: (input) => people.createIssue(input),
    addLabel: (input) => people.addLabel(input),
    comment: (input) => people.comment(input),
    editComment: (input) => people.editComment(input),
    editIssue: (input) => people.editIssue(input),
    closePull: (input) => people.closePull(input),
    pressCheckRunButton: (input) => people.pressCheckRunButton(input),
    rerunAllChecks: (input) => people.rerunAllChecks(input),
    submitReview: (input) => people.submitReview(input),
    reviewComment: (input) => people.reviewComment(input),
    deliver: (event, payload, deliveryOptions) => webhooks.deliver(event, payload, deliveryOptions?.deliveryId),
    lastDelivery: () => webhooks.last(),
    deliveries: () => webhooks.log(),
    settled: () => webhooks.settled(),

    issue: (owner, repo, number) => issueView(state, state.repo(owner, repo), number),
    comments: (owner, repo, issue) => commentViews(state, state.repo(owner, repo), issue),
    checkRuns: (owner, repo) => checkRunViews(state, state.repo(owner, repo)),
    pulls: (owner, repo) => pullViews(state, state.repo(owner, repo)),

    failNext: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    onRequest: (next) => {
      hook.current = next;
    },

    async close() {
      webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(rootDir, { recursive: true, force: true });
    },
  };
}
