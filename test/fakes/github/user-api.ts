import type { Auth } from "./authenticate.ts";
import type { FakeState } from "./fake-state.ts";
import { repoJson, userJson } from "./github-json.ts";
import type { RouteResult } from "./router.ts";

const REPO_PATH = /^\/repos\/([^/]+)\/([^/]+)\/?$/;

// What a person's user token (from the OAuth flow) may ask: who they are, and a repository, which
// exists for them only if they can read it (GitHub answers 404, not 403, to hide private ones).
export function handleUserApi(state: FakeState, auth: Extract<Auth, { kind: "user" }>, method: string, path: string): RouteResult {
  const user = auth.login ? state.findUser(auth.login) : undefined;
  if (!user) return { status: 401, body: { message: "Bad credentials" } };
  if (method === "GET" && (path === "/user" || path === "/user/")) return { status: 200, body: userJson(state, user) };
  const match = REPO_PATH.exec(path);
  if (method === "GET" && match) {
    const repo = state.findRepo(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!));
    if (repo && state.permission(repo, user.login) !== "none") return { status: 200, body: repoJson(state, repo) };
  }
  return { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
}
