import type { Probot, ProbotOctokit } from "probot";
import type { AppIdentity, CheckRunInput, GitHubPort, GitTreeChange, Permission, PullRequest, RepoRef, ReviewComment } from "./github-port.ts";
import { toCheckRunRequests } from "./check-run-requests.ts";
import { defuseClosingKeywords, defuseMentions } from "./mentions.ts";

type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * Requests that create something are not repeated blindly by Octokit on a 5xx: GitHub may have made
 * the comment, check run or pull request and lost only the answer. The failed step is retried
 * instead, and it looks for what it made before making it again.
 */
const NOT_REPEATED = { retries: 0 };

/**
 * Git Data API limits, kept well inside GitHub's: a tree request carries at most this many entries
 * (a larger change is built as a chain of trees, each on the one before), and at most this many
 * blob uploads run at once.
 */
const TREE_ENTRIES_PER_REQUEST = 500;
const BLOB_UPLOADS_AT_ONCE = 4;

/**
 * The GitHub port over Probot's authenticated Octokit: installation tokens are cached by Probot.
 *
 * The one way out for text: every text it sends — comments, pull requests' titles and bodies, check
 * runs' names, titles, summaries, texts and annotations, commit messages — passes `redact`, and then
 * has its mentions defused (all but the app's own `address()`es), whichever code wrote it.
 */
export class OctokitGitHub implements GitHubPort {
  readonly #probot: Probot;
  readonly #redact: (text: string) => string | Promise<string>;
  #identity: Promise<AppIdentity> | undefined;

  constructor(probot: Probot, redact: (text: string) => string | Promise<string> = (text) => text) {
    this.#probot = probot;
    this.#redact = redact;
  }

  /** A text as it may leave the app. */
  async #out(text: string): Promise<string> {
    return defuseMentions(await this.#redact(text));
  }

  /** A pull request's body or a commit's message, where GitHub acts on closing keywords too. */
  async #closing(text: string): Promise<string> {
    return defuseMentions(defuseClosingKeywords(await this.#redact(text)));
  }

  #octokit(repo: RepoRef): Promise<Octokit> {
    return this.#probot.auth(repo.installationId) as Promise<Octokit>;
  }

  identity(repo: RepoRef): Promise<AppIdentity> {
    this.#identity ??= (async () => {
      const appOctokit = (await this.#probot.auth()) as Octokit;
      const { data: app } = await appOctokit.rest.apps.getAuthenticated();
      const slug = app?.slug ?? "missions";
      const botLogin = `${slug}[bot]`;
      const octokit = await this.#octokit(repo);
      const { data: user } = await octokit.rest.users.getByUsername({ username: botLogin });
      return { appId: app?.id ?? 0, slug, botLogin, botEmail: `${user.id}+${botLogin}@users.noreply.github.com` };
    })();
    this.#identity.catch(() => (this.#identity = undefined));
    return this.#identity;
  }

  async permission(repo: RepoRef, login: string): Promise<Permission> {
    const octokit = await this.#octokit(repo);
    try {
      const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: repo.owner, repo: repo.name, username: login });
      // role_name distinguishes maintain and triage, which `permission` folds into write and read.
      const role = (data as { role_name?: string }).role_name ?? data.permission;
      return (["admin", "maintain", "write", "triage", "read"].includes(role) ? role : data.permission) as Permission;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return "none";
      throw error;
    }
  }

  async repository(repo: RepoRef) {
    const octokit = await this.#octokit(repo);
    const { data } = await octokit.rest.repos.get({ owner: repo.owner, repo: repo.name });
    return { defaultBranch: data.default_branch, cloneUrl: data.clone_url, htmlUrl: data.html_url };
  }

  async branchExists(repo: RepoRef, branch: string): Promise<boolean> {
    const octokit = await this.#octokit(repo);
    try {
      await octokit.rest.git.getRef({ owner: repo.owner, repo: repo.name, ref: `heads/${branch}` });
      return true;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return false;
      throw error;
    }
  }

  async readFile(repo: RepoRef, path: string, ref?: string): Promise<string | undefined> {
    const octokit = await this.#octokit(repo);
    try {
      const { data } = await octokit.rest.repos.getContent({ owner: repo.owner, repo: repo.name, path, ...(ref ? { ref } : {}) });
      if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return undefined;
      return Buffer.from(data.content, "base64").toString("utf8");
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  async issueBody(repo: RepoRef, issue: number) {
    const octokit = await this.#octokit(repo);
    const { data } = await octokit.rest.issues.get({ owner: repo.owner, repo: repo.name, issue_number: issue });
    return { title: data.title, body: data.body ?? "" };
  }

  async postComment(repo: RepoRef, issue: number, body: string): Promise<number> {
    const octokit = await this.#octokit(repo);
    const { data } = await octokit.rest.issues.createComment({ owner: repo.owner, repo: repo.name, issue_number: issue, body: await this.#out(body), request: NOT_REPEATED });
    return data.id;
  }

  async updateComment(repo: RepoRef, commentId: number, body: string): Promise<void> {
    const octokit = await this.#octokit(repo);
    await octokit.rest.issues.updateComment({ owner: repo.owner, repo: repo.name, comment_id: commentId, body: await this.#out(body) });
  }

  async findOwnComment(repo: RepoRef, issue: number, marker: string) {
    const octokit = await this.#octokit(repo);
    const { appId, botLogin } = await this.identity(repo);
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: repo.owner,
      repo: repo.name,
      issue_number: issue,
      per_page: 100,
    });
    const own = comments.find(
      (comment) =>
        (comment.performed_via_github_app?.id === appId || comment.user?.login === botLogin) &&
        comment.user?.type === "Bot" &&
        (comment.body ?? "").includes(marker),
    );
    return own ? { id: own.id, body: own.body ?? "" } : undefined;
  }

  async react(repo: RepoRef, commentId: number, content: "+1" | "eyes" | "rocket" | "confused", on: "issue" | "review" = "issue"): Promise<void> {
    const octokit = await this.#octokit(repo);
    const target = { owner: repo.owner, repo: repo.name, comment_id: commentId, content };
    if (on === "review") await octokit.rest.reactions.createForPullRequestReviewComment(target);
    else await octokit.rest.reactions.createForIssueComment(target);
  }

  async reviewComments(repo: RepoRef, pull: number, reviewId: number): Promise<ReviewComment[]> {
    const octokit = await this.#octokit(repo);
    const comments = await octokit.paginate(octokit.rest.pulls.listCommentsForReview, {
      owner: repo.owner,
      repo: repo.name,
      pull_number: pull,
      review_id: reviewId,
      per_page: 100,
    });
    // An outdated comment has no line in the head any more: the line it was written on says where.
    return comments.map((comment) => {
      const line = (comment as { line?: number | null }).line ?? (comment as { original_line?: number | null }).original_line ?? undefined;
      return { id: comment.id, path: comment.path, body: comment.body ?? "", ...(line ? { line } : {}) };
    });
  }

  async installationToken(repo: RepoRef, options: { fresh?: boolean } = {}): Promise<string> {
    const octokit = await this.#octokit(repo);
    // Cached tokens live up to an hour and keep the permissions they were made with.
    const auth = (await octokit.auth({ type: "installation", ...(options.fresh ? { refresh: true } : {}) })) as { token: string };
    return auth.token;
  }

  async installationSettingsUrl(repo: RepoRef): Promise<string> {
    // The installation's own html_url: an account's or an organisation's settings page, as GitHub says.
    const appOctokit = (await this.#probot.auth()) as Octokit;
    const { data } = await appOctokit.rest.apps.getInstallation({ installation_id: repo.installationId });
    return data.html_url;
  }

  async createCommit(repo: RepoRef, input: { parent: string; baseTree: string; message: string; changes: GitTreeChange[] }): Promise<{ sha: string; tree: string }> {
    const octokit = await this.#octokit(repo);
    const target = { owner: repo.owner, repo: repo.name };
    type Entry = { path: string; mode: "100644" | "100755" | "040000" | "160000" | "120000"; type: "blob" | "tree" | "commit"; sha: string | null };
    const entries: Entry[] = new Array(input.changes.length);
    let next = 0;
    const upload = async () => {
      while (next < input.changes.length) {
        const index = next++;
        const change = input.changes[index]!;
        if ("deleted" in change) {
          const submodule = change.mode === "160000";
          const mode = submodule || change.mode === "100755" || change.mode === "120000" ? (change.mode as Entry["mode"]) : "100644";
          entries[index] = { path: change.path, mode, type: submodule ? "commit" : "blob", sha: null };
        } else if (change.mode === "160000") {
          entries[index] = { path: change.path, mode: "160000", type: "commit", sha: change.sha };
        } else {
          // A blob GitHub already has (a mode change) is named; any other is uploaded, as bytes (base64).
          let sha = change.sha;
          if (!change.known) {
            const { data } = await octokit.rest.git.createBlob({ ...target, content: change.content.toString("base64"), encoding: "base64" });
            if (data.sha !== change.sha) throw new Error(`GitHub stored ${change.path} as ${data.sha}, not ${change.sha}`);
            sha = data.sha;
          }
          entries[index] = { path: change.path, mode: change.mode, type: "blob", sha };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BLOB_UPLOADS_AT_ONCE, input.changes.length) }, upload));
    let tree = input.baseTree;
    for (let start = 0; start < entries.length; start += TREE_ENTRIES_PER_REQUEST) {
      const { data } = await octokit.rest.git.createTree({ ...target, base_tree: tree, tree: entries.slice(start, start + TREE_ENTRIES_PER_REQUEST) as never });
      tree = data.sha;
    }
    // No author, no committer: GitHub makes the app's bot both, and signs the commit. The message is the
    // local commit's (trailers and all), sanitised like any text: the commit GitHub makes is adopted
    // by the checkout, so the two need not be the same.
    const { data } = await octokit.rest.git.createCommit({ ...target, message: await this.#closing(input.message), tree, parents: [input.parent] });
    return { sha: data.sha, tree };
  }

  async updateBranch(repo: RepoRef, branch: string, sha: string): Promise<void> {
    const octokit = await this.#octokit(repo);
    const target = { owner: repo.owner, repo: repo.name };
    try {
      await octokit.rest.git.updateRef({ ...target, ref: `heads/${branch}`, sha, force: false });
    } catch (error) {
      const { status, message } = error as { status?: number; message?: string };
      if (status !== 422 || !/reference does not exist/i.test(message ?? "")) throw error;
      await octokit.rest.git.createRef({ ...target, ref: `refs/heads/${branch}`, sha, request: NOT_REPEATED });
    }
  }

  async findOpenPull(repo: RepoRef, branch: string): Promise<PullRequest | undefined> {
    const octokit = await this.#octokit(repo);
    const { data } = await octokit.rest.pulls.list({ owner: repo.owner, repo: repo.name, state: "open", head: `${repo.owner}:${branch}` });
    const pull = data[0];
    return pull ? { number: pull.number, nodeId: pull.node_id, draft: pull.draft ?? false, htmlUrl: pull.html_url } : undefined;
  }

  async createPull(repo: RepoRef, input: { title: string; head: string; base: string; body: string; draft: boolean }): Promise<PullRequest> {
    const octokit = await this.#octokit(repo);
    const { data } = await octokit.rest.pulls.create({ owner: repo.owner, repo: repo.name, ...input, title: await this.#out(input.title), body: await this.#closing(input.body), request: NOT_REPEATED });
    return { number: data.number, nodeId: data.node_id, draft: data.draft ?? input.draft, htmlUrl: data.html_url };
  }

  async updatePull(repo: RepoRef, number: number, input: { body?: string; title?: string }): Promise<void> {
    const octokit = await this.#octokit(repo);
    await octokit.rest.pulls.update({
      owner: repo.owner,
      repo: repo.name,
      pull_number: number,
      ...(input.title !== undefined ? { title: await this.#out(input.title) } : {}),
      ...(input.body !== undefined ? { body: await this.#closing(input.body) } : {}),
    });
  }

  async markReadyForReview(repo: RepoRef, pull: PullRequest): Promise<void> {
    const octokit = await this.#octokit(repo);
    // Only GraphQL can take a pull request out of draft.
    await octokit.graphql(
      `mutation ($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }`,
      { id: pull.nodeId },
    );
  }

  async #outCheckRun(input: CheckRunInput): Promise<CheckRunInput> {
    const annotations = input.annotations
      ? await Promise.all(
          input.annotations.map(async (annotation) => ({
            // The path stays as it is: GitHub places the annotation on that file.
            ...annotation,
            message: await this.#out(annotation.message),
            ...(annotation.title !== undefined ? { title: await this.#out(annotation.title) } : {}),
          })),
        )
      : undefined;
    return {
      ...input,
      name: await this.#out(input.name),
      title: await this.#out(input.title),
      summary: await this.#out(input.summary),
      ...(input.text !== undefined ? { text: await this.#out(input.text) } : {}),
      ...(annotations ? { annotations } : {}),
    };
  }

  async findCheckRun(repo: RepoRef, headSha: string, name: string): Promise<number | undefined> {
    const octokit = await this.#octokit(repo);
    const { appId } = await this.identity(repo);
    // Asked for by the name it was created with: sanitised the same way.
    const { data } = await octokit.rest.checks.listForRef({ owner: repo.owner, repo: repo.name, ref: headSha, check_name: await this.#out(name) });
    return data.check_runs.find((run) => run.app?.id === appId)?.id;
  }

  async createCheckRun(repo: RepoRef, input: CheckRunInput): Promise<number> {
    const octokit = await this.#octokit(repo);
    const [first, ...rest] = toCheckRunRequests(await this.#outCheckRun(input));
    const { data } = await octokit.rest.checks.create({ owner: repo.owner, repo: repo.name, head_sha: input.headSha, ...first!, request: NOT_REPEATED });
    for (const more of rest) await octokit.rest.checks.update({ owner: repo.owner, repo: repo.name, check_run_id: data.id, ...more });
    return data.id;
  }

  async clearCheckRunActions(repo: RepoRef, id: number): Promise<void> {
    const octokit = await this.#octokit(repo);
    // The summary may tell a person to press the button being taken away: it then says the button is gone.
    // Read failing, the buttons still go: the note is the lesser part.
    const run = await octokit.rest.checks.get({ owner: repo.owner, repo: repo.name, check_run_id: id }).then(({ data }) => data, () => undefined);
    const summary = staleButtonSummary(run?.output?.summary ?? undefined);
    await octokit.rest.checks.update({
      owner: repo.owner,
      repo: repo.name,
      check_run_id: id,
      actions: [],
      ...(run && summary !== undefined ? { output: { title: run.output?.title ?? run.name, summary } } : {}),
    });
  }

  async updateCheckRun(repo: RepoRef, id: number, input: CheckRunInput): Promise<void> {
    const octokit = await this.#octokit(repo);
    for (const request of toCheckRunRequests(await this.#outCheckRun(input))) {
      await octokit.rest.checks.update({ owner: repo.owner, repo: repo.name, check_run_id: id, ...request });
    }
  }
}

/** GitHub's limit on a check run's summary. */
const SUMMARY_LIMIT = 65_535;
export const BUTTON_GONE_NOTE = "_The mission has gone on since: the button named above is gone. The mission's control comment on the issue says what happens now._";

/** A summary that names a button (press **Resume** / **Re-run validation** above), with a note that it is gone; undefined when it names none or has the note. */
export function staleButtonSummary(summary: string | undefined): string | undefined {
  if (!summary || !/\*\*(Resume|Re-run validation)\*\* above/.test(summary) || summary.includes(BUTTON_GONE_NOTE)) return undefined;
  const note = `\n\n${BUTTON_GONE_NOTE}`;
  return summary.length + note.length <= SUMMARY_LIMIT ? `${summary}${note}` : `${summary.slice(0, SUMMARY_LIMIT - note.length)}${note}`;
}
