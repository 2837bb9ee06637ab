import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { authenticate, type Auth } from "./authenticate.ts";
import type { JsonObject } from "./body-fields.ts";
import type { FaultInjector } from "./fault-injector.ts";
import { handleGraphql } from "./handle-graphql.ts";
import { HttpError, notFound } from "./http-error.ts";
import type { RepoRecord } from "./records.ts";
import type { RouteContext, RouteResult, Router } from "./router.ts";
import { serveGitHttp } from "./serve-git-http.ts";
import type { HookedRequest, RecordedRequest, RequestHook } from "./types.ts";
import type { World } from "./world.ts";
import type { FakeOAuth } from "./oauth.ts";
import type { FakeAppRegistration } from "./app-registration.ts";
import { handleUserApi } from "./user-api.ts";

export interface FakeServerParts {
  world: World;
  router: Router;
  faults: FaultInjector;
  requests: RecordedRequest[];
  /** GitHub's OAuth web flow under /login/oauth (sign-in with GitHub). */
  oauth?: FakeOAuth;
  /** GitHub's manifest flow: the register form at /settings/apps/new. */
  registration?: FakeAppRegistration;
  hook?: { current?: RequestHook };
}

const API_PREFIX = "/api/v3";
const GRAPHQL_PATH = "/api/graphql";
const GIT_PATH = /^\/([^/]+)\/([^/]+)\.git(\/.*)?$/;

// One HTTP server, three faces: the REST API under /api/v3, GraphQL at /api/graphql, and smart
// HTTP git at /<owner>/<repo>.git. Nothing a handler throws may take the test process down.
export function createFakeServer(parts: FakeServerParts): Server {
  const server = createServer((req, res) => {
    dispatch(parts, req, res).catch((error: unknown) => {
      console.error("fake GitHub: unhandled error", error);
      if (!res.headersSent) writeJson(res, { status: 500, body: { message: `fake GitHub: ${messageOf(error)}` } });
      else res.destroy();
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  return server;
}

async function dispatch(parts: FakeServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname === GRAPHQL_PATH || url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)) {
    return handleApi(parts, req, res, url);
  }
  if (parts.oauth && url.pathname.startsWith("/login/oauth/")) return parts.oauth.handle(req, res, url);
  if (parts.registration && (await parts.registration.handleForm(req, res, url))) return;
  const git = GIT_PATH.exec(url.pathname);
  if (git) {
    const hooked: HookedRequest = { method: (req.method ?? "GET").toUpperCase(), path: url.pathname, kind: "git" };
    await parts.hook?.current?.(hooked, "before");
    await handleGit(parts, req, res, url, git);
    await parts.hook?.current?.(hooked, "after", res.statusCode);
    return;
  }
  writeJson(res, { status: 404, body: notFound().toJSON() });
}

async function handleGit(parts: FakeServerParts, req: IncomingMessage, res: ServerResponse, url: URL, match: RegExpExecArray) {
  const { state } = parts.world;
  const repo = state.findRepo(decodeURIComponent(match[1] ?? ""), decodeURIComponent(match[2] ?? ""));
  if (!repo) {
    res.writeHead(404, { "content-type": "text/plain" }).end("Repository not found.\n");
    return;
  }
  const auth = authenticate(header(req, "authorization"), state);
  if (auth.kind !== "installation") {
    req.resume();
    res.writeHead(401, { "www-authenticate": 'Basic realm="GitHub"', "content-type": "text/plain" }).end("Invalid username or token.\n");
    return;
  }
  if (auth.installationId !== repo.installationId) {
    req.resume();
    res.writeHead(404, { "content-type": "text/plain" }).end("Repository not found.\n");
    return;
  }
  await serveGitHttp({
    req,
    res,
    projectRoot: state.rootDir,
    pathInfo: `/${repo.owner.login}/${repo.name}.git${match[3] ?? ""}`,
    query: url.search.slice(1),
    remoteUser: "x-access-token",
    env: {
      FAKE_GITHUB_REFUSE_WORKFLOWS: auth.permissions.workflows === "write" ? "0" : "1",
      FAKE_GITHUB_SIGNED_BRANCHES: repo.signedCommitBranches.join(" "),
    },
  });
}

async function handleApi(parts: FakeServerParts, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { world, router, faults, requests } = parts;
  const method = (req.method ?? "GET").toUpperCase();
  const graphql = url.pathname === GRAPHQL_PATH;
  const path = graphql ? "/graphql" : url.pathname.slice(API_PREFIX.length) || "/";
  const auth = authenticate(header(req, "authorization"), world.state);
  const record: RecordedRequest = { method, path, query: url.search.slice(1), status: 0, auth: recordedAuth(auth) };
  requests.push(record);
  const hooked: HookedRequest = { method, path, kind: "api" };
  await parts.hook?.current?.(hooked, "before");
  const fault = faults.take(method, path);
  const canned = fault?.status !== undefined ? { status: fault.status, body: fault.body ?? { message: "Injected failure" }, headers: fault.headers ?? {} } : undefined;
  const send = (result: RouteResult): void => {
    const answer = fault?.afterEffect && canned ? canned : result;
    record.status = answer.status;
    writeJson(res, answer);
    void parts.hook?.current?.(hooked, "after", answer.status);
  };
  try {
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (canned && !fault!.afterEffect) {
      req.resume();
      return send(canned);
    }
    const body = await readJsonBody(req);
    if (graphql) {
      if (method !== "POST") throw notFound();
      return send(handleGraphql(world.state, auth, body));
    }
    if (auth.kind === "user" && auth.login) return send(handleUserApi(world.state, auth, method, path));
    const match = router.match(method, path);
    if (!match) throw notFound();
    checkAuth(match.auth, auth);
    let repo: RepoRecord | undefined;
    if (match.params.owner !== undefined && match.params.repo !== undefined) {
      repo = world.state.findRepo(match.params.owner, match.params.repo);
      // A repository outside the token's installation is invisible, not forbidden.
      if (!repo || (auth.kind === "installation" && repo.installationId !== auth.installationId)) throw notFound();
    }
    const ctx: RouteContext = {
      world,
      params: match.params,
      query: url.searchParams,
      body,
      headers: req.headers,
      auth,
      get repo(): RepoRecord {
        if (!repo) throw new Error(`route ${method} ${path} has no repository`);
        return repo;
      },
    };
    send(await match.handler(ctx));
  } catch (error) {
    if (error instanceof HttpError) return send({ status: error.status, body: error.toJSON() });
    // The client went away mid-request (a test killed the app): nobody is left to answer.
    if ((error as { code?: string }).code === "ECONNRESET" || req.socket.destroyed) return;
    console.error(`fake GitHub: ${method} ${path} failed`, error);
    send({ status: 500, body: { message: `fake GitHub: ${messageOf(error)}` } });
  }
}

function checkAuth(need: "app" | "installation" | "public", auth: Auth): void {
  if (auth.kind === "invalid") throw new HttpError(401, auth.message);
  if (auth.kind === "user") throw new HttpError(401, "Bad credentials");
  if (need === "public" || auth.kind === need) return;
  if (auth.kind === "none") throw new HttpError(401, "Requires authentication");
  if (need === "app") throw new HttpError(401, "A JSON web token could not be decoded");
  throw new HttpError(403, "Resource not accessible by integration");
}

function recordedAuth(auth: Auth): RecordedRequest["auth"] {
  return auth.kind === "invalid" ? "none" : auth.kind;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readJsonBody(req: IncomingMessage): Promise<JsonObject> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(400, "Problems parsing JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new HttpError(400, "Body should be a JSON object");
  }
  return parsed as JsonObject;
}

function writeJson(res: ServerResponse, result: RouteResult): void {
  const headers: Record<string, string> = {
    "x-github-request-id": randomUUID().toUpperCase(),
    "x-github-media-type": "github.v3; format=json",
    "x-github-api-version-selected": "2022-11-28",
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4999",
    "x-ratelimit-used": "1",
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
    "x-ratelimit-resource": "core",
  };
  if (result.raw) {
    res.writeHead(result.status, { ...headers, "content-type": "application/octet-stream", ...result.headers });
    res.end(result.raw);
    return;
  }
  if (result.status === 204 || result.body === undefined) {
    res.writeHead(result.status, { ...headers, ...result.headers });
    res.end();
    return;
  }
  res.writeHead(result.status, { ...headers, "content-type": "application/json; charset=utf-8", ...result.headers });
  res.end(JSON.stringify(result.body));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
