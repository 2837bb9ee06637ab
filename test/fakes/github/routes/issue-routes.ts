import { optionalArray, optionalString, type JsonObject } from "../body-fields.ts";
import { issueJson, labelJson, reactionJson } from "../github-json.ts";
import { HttpError, validationFailed } from "../http-error.ts";
import { applyLabels, dropLabel, react, REACTION_CONTENTS } from "../issue-mutations.ts";
import type { ReactionRecord } from "../records.ts";
import { commentParam, issueParam } from "../route-lookups.ts";
import type { RouteContext, RouteResult, Router } from "../router.ts";
import { timestamp } from "../timestamp.ts";
import { issuesLabelPayload } from "../webhook-payloads.ts";

// Issues as the app touches them: read, edit, labels (announced as `issues` webhooks, as GitHub
// does for an app's own changes too) and reactions.
export function addIssueRoutes(router: Router): void {
  router.add("GET", "/repos/:owner/:repo/issues/:number", "installation", ({ world, repo, params }) => ({
    status: 200,
    body: issueJson(world.state, repo, issueParam(repo, params.number)),
  }));

  router.add("PATCH", "/repos/:owner/:repo/issues/:number", "installation", ({ world, repo, params, body }) => {
    const issue = issueParam(repo, params.number);
    const title = optionalString(body, "title");
    const text = optionalString(body, "body");
    const state = optionalString(body, "state");
    if (state !== undefined && state !== "open" && state !== "closed") throw validationFailed("Validation Failed", "state");
    if (title !== undefined) issue.title = title;
    if (text !== undefined) issue.body = text;
    if (state !== undefined && state !== issue.state) {
      issue.state = state;
      issue.closedAt = state === "closed" ? timestamp() : null;
    }
    issue.updatedAt = timestamp();
    return { status: 200, body: issueJson(world.state, repo, issue) };
  });

  router.add("GET", "/repos/:owner/:repo/issues/:number/labels", "installation", ({ world, repo, params }) => ({
    status: 200,
    body: issueParam(repo, params.number).labels.map((label) => labelJson(world.state, repo, label)),
  }));

  router.add("POST", "/repos/:owner/:repo/issues/:number/labels", "installation", (ctx) => addLabels(ctx, false));
  router.add("PUT", "/repos/:owner/:repo/issues/:number/labels", "installation", (ctx) => addLabels(ctx, true));

  router.add("DELETE", "/repos/:owner/:repo/issues/:number/labels/:name", "installation", ({ world, repo, params }) => {
    const issue = issueParam(repo, params.number);
    const removed = dropLabel(issue, params.name ?? "");
    if (!removed) throw new HttpError(404, "Label does not exist");
    const { state } = world;
    world.webhooks.announce("issues", issuesLabelPayload(state, repo, { action: "unlabeled", issue, label: removed, sender: state.bot }));
    return { status: 200, body: issue.labels.map((label) => labelJson(state, repo, label)) };
  });

  router.add("POST", "/repos/:owner/:repo/issues/:number/reactions", "installation", (ctx) =>
    addReaction(ctx, issueParam(ctx.repo, ctx.params.number).reactions),
  );

  router.add("POST", "/repos/:owner/:repo/issues/comments/:id/reactions", "installation", (ctx) =>
    addReaction(ctx, commentParam(ctx.repo, ctx.params.id).reactions),
  );
}

function addLabels(ctx: RouteContext, replace: boolean): RouteResult {
  const { world, repo } = ctx;
  const { state } = world;
  const issue = issueParam(repo, ctx.params.number);
  const names = labelNames(ctx.body);
  if (replace) {
    for (const label of [...issue.labels]) {
      if (names.some((name) => name.toLowerCase() === label.name.toLowerCase())) continue;
      dropLabel(issue, label.name);
      world.webhooks.announce("issues", issuesLabelPayload(state, repo, { action: "unlabeled", issue, label, sender: state.bot }));
    }
  }
  for (const label of applyLabels(state, repo, issue, names)) {
    world.webhooks.announce("issues", issuesLabelPayload(state, repo, { action: "labeled", issue, label, sender: state.bot }));
  }
  return { status: 200, body: issue.labels.map((label) => labelJson(state, repo, label)) };
}

// Accepts both `{ labels: ["a"] }` and `{ labels: [{ name: "a" }] }`, the two forms GitHub takes.
function labelNames(body: JsonObject): string[] {
  const labels = optionalArray(body, "labels");
  if (!labels) throw validationFailed("Invalid request.\n\nNo subschema in \"anyOf\" matched.", "labels", "missing_field");
  return labels.map((item) => {
    if (typeof item === "string" && item.trim() !== "") return item;
    if (item !== null && typeof item === "object" && typeof (item as JsonObject).name === "string") return String((item as JsonObject).name);
    throw validationFailed(`Invalid label: ${JSON.stringify(item)}`, "labels");
  });
}

export function addReaction(ctx: RouteContext, reactions: ReactionRecord[]): RouteResult {
  const content = optionalString(ctx.body, "content");
  if (!content || !REACTION_CONTENTS.includes(content)) {
    throw validationFailed(`Invalid reaction content: ${JSON.stringify(content)}`, "content");
  }
  const { reaction, created } = react(ctx.world.state, reactions, ctx.world.state.bot, content);
  return { status: created ? 201 : 200, body: reactionJson(ctx.world.state, reaction) };
}
