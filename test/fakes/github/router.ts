import type { IncomingHttpHeaders } from "node:http";
import type { Auth } from "./authenticate.ts";
import type { JsonObject } from "./body-fields.ts";
import type { RepoRecord } from "./records.ts";
import type { World } from "./world.ts";

// Which credential a route demands: the app's JWT, an installation token for the route's
// repository, or none at all (public data).
export type AuthNeed = "app" | "installation" | "public";

export interface RouteContext {
  world: World;
  params: Record<string, string>;
  query: URLSearchParams;
  body: JsonObject;
  headers: IncomingHttpHeaders;
  auth: Auth;
  // Set for routes under /repos/:owner/:repo (the server resolves it, 404 when missing).
  repo: RepoRecord;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  raw?: Buffer;
  headers?: Record<string, string>;
}

export type RouteHandler = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  auth: AuthNeed;
  handler: RouteHandler;
}

export interface RouteMatch {
  auth: AuthNeed;
  params: Record<string, string>;
  handler: RouteHandler;
}

// Paths are written GitHub-docs style: `:name` is one segment, `*name` the rest of the path
// (branch names and file paths contain slashes).
export class Router {
  readonly #routes: Route[] = [];

  add(method: string, path: string, auth: AuthNeed, handler: RouteHandler): void {
    const keys: string[] = [];
    const source = path
      .split("/")
      .map((segment) => {
        if (segment.startsWith(":")) {
          keys.push(segment.slice(1));
          return "([^/]+)";
        }
        if (segment.startsWith("*")) {
          keys.push(segment.slice(1));
          return "(.+)";
        }
        return segment.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    this.#routes.push({ method, pattern: new RegExp(`^${source}/?$`), keys, auth, handler });
  }

  match(method: string, path: string): RouteMatch | undefined {
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => (params[key] = decodeURIComponent(found[i + 1] ?? "")));
      return { auth: route.auth, params, handler: route.handler };
    }
    return undefined;
  }
}
