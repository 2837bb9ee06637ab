import type { Auth } from "./authenticate.ts";
import type { JsonObject } from "./body-fields.ts";
import type { FakeState } from "./fake-state.ts";
import { nodeId } from "./node-id.ts";
import type { RouteResult } from "./router.ts";
import { timestamp } from "./timestamp.ts";

// The one GraphQL operation the app needs: the REST API cannot take a PR out of draft. The query
// text is matched, not parsed; anything else answers with a GraphQL error, as an unknown field would.
export function handleGraphql(state: FakeState, auth: Auth, body: JsonObject): RouteResult {
  if (auth.kind !== "installation") {
    return { status: 401, body: { message: "This endpoint requires you to be authenticated.", documentation_url: "https://docs.github.com/graphql" } };
  }
  const query = typeof body.query === "string" ? body.query : "";
  const variables = (body.variables && typeof body.variables === "object" ? body.variables : {}) as JsonObject;
  if (!/\bmarkPullRequestReadyForReview\b/.test(query)) {
    return errors(`The fake GitHub does not support this GraphQL operation: ${query.slice(0, 200)}`);
  }
  const id = pullRequestId(query, variables);
  if (!id) return errors("Argument 'pullRequestId' on InputObject 'MarkPullRequestReadyForReviewInput' is required");
  for (const repo of state.repos()) {
    for (const issue of repo.issues.values()) {
      if (!issue.pull || nodeId("PR", issue.id) !== id) continue;
      if (repo.installationId !== auth.installationId) return errors("Resource not accessible by integration", "FORBIDDEN");
      issue.pull.draft = false;
      issue.updatedAt = timestamp();
      return {
        status: 200,
        body: { data: { markPullRequestReadyForReview: { pullRequest: { isDraft: false, number: issue.number } } } },
      };
    }
  }
  return errors(`Could not resolve to a node with the global id of '${id}'`, "NOT_FOUND");
}

// The id may be inline (`pullRequestId: "PR_…"`), a variable (`pullRequestId: $id`), or inside an
// input variable (`input: $input` with `{ input: { pullRequestId } }`).
function pullRequestId(query: string, variables: JsonObject): string | undefined {
  const inline = /pullRequestId\s*:\s*"([^"]+)"/.exec(query);
  if (inline?.[1]) return inline[1];
  const variable = /pullRequestId\s*:\s*\$(\w+)/.exec(query);
  if (variable?.[1] && typeof variables[variable[1]] === "string") return variables[variable[1]] as string;
  const input = /input\s*:\s*\$(\w+)/.exec(query);
  const inputValue = input?.[1] ? variables[input[1]] : undefined;
  if (inputValue && typeof inputValue === "object" && typeof (inputValue as JsonObject).pullRequestId === "string") {
    return (inputValue as JsonObject).pullRequestId as string;
  }
  return undefined;
}

function errors(message: string, type?: string): RouteResult {
  return { status: 200, body: { data: null, errors: [{ message, ...(type ? { type } : {}), locations: [] }] } };
}
