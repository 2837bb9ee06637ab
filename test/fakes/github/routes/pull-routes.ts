import { optionalBoolean, optionalString, requiredString } from "../body-fields.ts";
import type { FakeState } from "../fake-state.ts";
import { branchSha, countCommits } from "../git-reads.ts";
import { pullJson } from "../github-json.ts";
import { HttpError } from "../http-error.ts";
import { openIssue } from "../issue-mutations.ts";
import { paginate } from "../paginate.ts";
import type { IssueRecord, RepoRecord } from "../records.ts";
import { pullParam } from "../route-lookups.ts";
import type { Router } from "../router.ts";
import { timestamp } from "../timestamp.ts";

// Pull requests between branches of the same repository. Branch heads are always read from git,
// so a push is visible in the PR immediately, as on GitHub.
export function addPullRoutes(router: Router): void {
  router.add("POST", "/repos/:owner/:repo/pulls", "installation", async ({ world, repo, body }) => {
    const { state } = world;
    const title = requiredString(body, "title");
    const headRef = headBranch(repo, requiredString(body, "head"));
    const baseRef = requiredString(body, "base");
    const headSha = await branchSha(repo.gitDir, headRef);
    const baseSha = await branchSha(repo.gitDir, baseRef);
    if (!headSha) throw invalid("head");
    if (!baseSha) throw invalid("base");
    if (openPullFor(repo, headRef)) throw invalid("head", `A pull request already exists for ${repo.owner.login}:${headRef}.`);
    if ((await countCommits(repo.gitDir, `${baseSha}..${headSha}`)) === 0) {
      throw invalid("head", `No commits between ${baseRef} and ${headRef}`);
    }
    const issue = openIssue(state, repo, {
      title,
      body: optionalString(body, "body") ?? null,
      user: state.bot,
      pull: { headRef, baseRef, draft: optionalBoolean(body, "draft") ?? false },
    });
    return { status: 201, body: await render(state, repo, issue) };
  });

  router.add("GET", "/repos/:owner/:repo/pulls", "installation", async ({ world, repo, query }) => {
    const wanted = query.get("state") ?? "open";
    const head = query.get("head");
    const base = query.get("base");
    const all = [...repo.issues.values()]
      .filter((issue) => issue.pull && (wanted === "all" || issue.state === wanted))
      .filter((issue) => !head || `${repo.owner.login}:${issue.pull?.headRef}`.toLowerCase() === qualified(repo, head).toLowerCase())
      .filter((issue) => !base || issue.pull?.baseRef === base)
      .sort((a, b) => b.number - a.number);
    const page = paginate(all, query, `${world.state.apiUrl}/repos/${repo.owner.login}/${repo.name}/pulls`);
    const body = await Promise.all(page.items.map((issue) => render(world.state, repo, issue)));
    return { status: 200, body, headers: page.headers };
  });

  router.add("GET", "/repos/:owner/:repo/pulls/:number", "installation", async ({ world, repo, params }) => ({
    status: 200,
    body: await render(world.state, repo, pullParam(repo, params.number)),
  }));

  router.add("PATCH", "/repos/:owner/:repo/pulls/:number", "installation", async ({ world, repo, params, body }) => {
    const issue = pullParam(repo, params.number);
    const pull = issue.pull;
    if (!pull) throw new HttpError(404, "Not Found");
    const title = optionalString(body, "title");
    const text = optionalString(body, "body");
    const state = optionalString(body, "state");
    const base = optionalString(body, "base");
    if (state !== undefined && state !== "open" && state !== "closed") throw invalid("state");
    if (base !== undefined && !(await branchSha(repo.gitDir, base))) throw invalid("base");
    if (state === "open" && issue.state === "closed" && openPullFor(repo, pull.headRef)) {
      throw invalid("state", `A pull request already exists for ${repo.owner.login}:${pull.headRef}.`);
    }
    if (title !== undefined) issue.title = title;
    if (text !== undefined) issue.body = text;
    if (base !== undefined) pull.baseRef = base;
    if (state !== undefined && state !== issue.state) {
      issue.state = state;
      issue.closedAt = state === "closed" ? timestamp() : null;
    }
    issue.updatedAt = timestamp();
    return { status: 200, body: await render(world.state, repo, issue) };
  });
}

export async function render(state: FakeState, repo: RepoRecord, issue: IssueRecord): Promise<Record<string, unknown>> {
  const pull = issue.pull;
  const head = pull ? ((await branchSha(repo.gitDir, pull.headRef)) ?? null) : null;
  const base = pull ? ((await branchSha(repo.gitDir, pull.baseRef)) ?? null) : null;
  return pullJson(state, repo, issue, { head, base });
}

function openPullFor(repo: RepoRecord, headRef: string): IssueRecord | undefined {
  return [...repo.issues.values()].find((issue) => issue.state === "open" && issue.pull?.headRef === headRef);
}

// `head` is "branch" or "owner:branch"; forks do not exist here, so the owner must be the repo's.
function headBranch(repo: RepoRecord, head: string): string {
  const colon = head.indexOf(":");
  if (colon < 0) return head;
  if (head.slice(0, colon).toLowerCase() !== repo.owner.login.toLowerCase()) throw invalid("head");
  return head.slice(colon + 1);
}

function qualified(repo: RepoRecord, head: string): string {
  return head.includes(":") ? head : `${repo.owner.login}:${head}`;
}

function invalid(field: string, message?: string): HttpError {
  return new HttpError(422, "Validation Failed", {
    errors: [message ? { resource: "PullRequest", code: "custom", message } : { resource: "PullRequest", field, code: "invalid" }],
  });
}
