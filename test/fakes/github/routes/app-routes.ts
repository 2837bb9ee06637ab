import type { FakeState } from "../fake-state.ts";
import { appJson, userJson } from "../github-json.ts";
import { notFound } from "../http-error.ts";
import type { Router } from "../router.ts";
import { timestamp } from "../timestamp.ts";

// The app's own endpoints (JWT-authenticated) and public user lookups.
export function addAppRoutes(router: Router): void {
  router.add("GET", "/app", "app", ({ world }) => ({ status: 200, body: appJson(world.state) }));

  router.add("GET", "/app/installations", "app", ({ world }) => {
    const ids = [...new Set(world.state.repos().map((repo) => repo.installationId))];
    return { status: 200, body: ids.map((id) => installationJson(world.state, id)) };
  });

  router.add("GET", "/app/installations/:id", "app", ({ world, params }) => ({
    status: 200,
    body: installationJson(world.state, Number(params.id)),
  }));

  router.add("POST", "/app/installations/:id/access_tokens", "app", ({ world, params }) => {
    const installationId = Number(params.id);
    if (!world.state.installationExists(installationId)) throw notFound();
    const token = world.state.issueToken(installationId);
    return {
      status: 201,
      body: {
        token: token.token,
        expires_at: timestamp(new Date(token.expiresAt)),
        permissions: world.state.installationPermissions(installationId),
        repository_selection: "all",
      },
    };
  });

  router.add("GET", "/repos/:owner/:repo/installation", "app", ({ world, repo }) => ({
    status: 200,
    body: installationJson(world.state, repo.installationId),
  }));

  router.add("GET", "/users/:login", "public", ({ world, params }) => {
    const user = world.state.findUser(params.login ?? "");
    if (!user) throw notFound();
    return { status: 200, body: { ...userJson(world.state, user), name: null, created_at: "2024-01-01T00:00:00Z" } };
  });
}

function installationJson(state: FakeState, installationId: number): Record<string, unknown> {
  const repo = state.repos().find((r) => r.installationId === installationId);
  if (!repo) throw notFound();
  return {
    id: installationId,
    account: userJson(state, repo.owner),
    app_id: state.appId,
    app_slug: state.appSlug,
    target_id: repo.owner.id,
    target_type: "User",
    repository_selection: "all",
    permissions: state.installationPermissions(installationId),
    events: ["issues", "issue_comment", "check_run", "pull_request", "pull_request_review", "pull_request_review_comment", "push"],
    access_tokens_url: `${state.apiUrl}/app/installations/${installationId}/access_tokens`,
    html_url: `${state.baseUrl}/settings/installations/${installationId}`,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    suspended_at: null,
  };
}
