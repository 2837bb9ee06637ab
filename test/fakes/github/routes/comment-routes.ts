import { requiredString } from "../body-fields.ts";
import { commentJson } from "../github-json.ts";
import { validationFailed } from "../http-error.ts";
import { postComment, reviseComment } from "../issue-mutations.ts";
import { paginate } from "../paginate.ts";
import { commentParam, issueOfComment, issueParam } from "../route-lookups.ts";
import type { Router } from "../router.ts";
import { issueCommentPayload } from "../webhook-payloads.ts";

// GitHub refuses comment bodies over 65,536 characters; the control comment must stay under it.
const MAX_BODY = 65_536;

// Issue (and PR conversation) comments. The app's own comments are announced back to it as
// `issue_comment` webhooks with a Bot sender, exactly as GitHub does.
export function addCommentRoutes(router: Router): void {
  router.add("GET", "/repos/:owner/:repo/issues/:number/comments", "installation", ({ world, repo, params, query }) => {
    const issue = issueParam(repo, params.number);
    const all = [...repo.comments.values()].filter((c) => c.issueNumber === issue.number).sort((a, b) => a.id - b.id);
    const pageUrl = `${world.state.apiUrl}/repos/${repo.owner.login}/${repo.name}/issues/${issue.number}/comments`;
    const page = paginate(all, query, pageUrl);
    return { status: 200, body: page.items.map((c) => commentJson(world.state, repo, c)), headers: page.headers };
  });

  router.add("POST", "/repos/:owner/:repo/issues/:number/comments", "installation", ({ world, repo, params, body }) => {
    const { state } = world;
    const issue = issueParam(repo, params.number);
    const comment = postComment(state, repo, issue, { user: state.bot, body: commentBody(body), viaApp: true });
    world.webhooks.announce("issue_comment", issueCommentPayload(state, repo, { action: "created", issue, comment, sender: state.bot }));
    return { status: 201, body: commentJson(state, repo, comment) };
  });

  router.add("GET", "/repos/:owner/:repo/issues/comments/:id", "installation", ({ world, repo, params }) => ({
    status: 200,
    body: commentJson(world.state, repo, commentParam(repo, params.id)),
  }));

  router.add("PATCH", "/repos/:owner/:repo/issues/comments/:id", "installation", ({ world, repo, params, body }) => {
    const { state } = world;
    const comment = commentParam(repo, params.id);
    const previousBody = reviseComment(comment, commentBody(body));
    const issue = issueOfComment(repo, comment);
    world.webhooks.announce(
      "issue_comment",
      issueCommentPayload(state, repo, { action: "edited", issue, comment, sender: state.bot, previousBody }),
    );
    return { status: 200, body: commentJson(state, repo, comment) };
  });

  router.add("DELETE", "/repos/:owner/:repo/issues/comments/:id", "installation", ({ world, repo, params }) => {
    const { state } = world;
    const comment = commentParam(repo, params.id);
    const issue = issueOfComment(repo, comment);
    repo.comments.delete(comment.id);
    world.webhooks.announce("issue_comment", issueCommentPayload(state, repo, { action: "deleted", issue, comment, sender: state.bot }));
    return { status: 204 };
  });
}

function commentBody(body: Record<string, unknown>): string {
  const text = requiredString(body, "body");
  if (text.trim() === "") throw validationFailed("Validation Failed", "body", "missing_field");
  if (text.length > MAX_BODY) throw validationFailed(`Body is too long (maximum is ${MAX_BODY} characters)`, "body", "custom");
  return text;
}
