import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Mission } from "../../mission/index.ts";
import type { MissionStore } from "../../store/index.ts";
import type { DashboardAuth, Session } from "./dashboard-auth.ts";
import { escapeHtml, renderPage } from "./html.ts";
import type { MissionFeed } from "./mission-feed.ts";
import { renderMissionList } from "./render-mission-list.ts";
import { renderMissionLive, renderMissionPage, type MissionView } from "./render-mission-page.ts";
import { createViewRedactor } from "./redact-view.ts";

export interface DashboardDeps {
  store: MissionStore;
  auth: DashboardAuth;
  feed: MissionFeed;
  githubWebUrl: string;
  log: Logger;
  /** The Prometheus text and its content type; undefined when metrics are off. */
  metrics?: { render(): Promise<string>; contentType: string };
  /** `/metrics` without a token, or with this token (the dashboard token is accepted too). */
  metricsAccess: { public: boolean; token?: string };
  now?: () => Date;
  /** How long to gather changes before one live update (default 150 ms). */
  liveDelayMs?: number;
  /** The sanitiser of text that leaves the app (the GitHub port's): every text of a mission passes it before it is shown. */
  redact?: (text: string) => Promise<string>;
}

const MISSION_PATH = /^\/missions\/([A-Za-z0-9_-]{1,64})(\/events)?$/;
const MAX_FORM_BYTES = 8 * 1024;
/** Missions on one page of the list. */
const PAGE_SIZE = 50;
/** Live pages open at once: each holds a connection and re-renders on every change of its mission. */
const MAX_STREAMS = 500;
const MAX_STREAMS_PER_SESSION = 10;

/** The dashboard's routes, served beside Probot's webhook endpoint through `addHandler`. */
export class Dashboard {
  readonly #deps: DashboardDeps;
  readonly #streams = new Set<ServerResponse>();
  readonly #sessionOf = new WeakMap<ServerResponse, Session>();
  readonly #redact: <T>(value: T) => Promise<T>;

  constructor(deps: DashboardDeps) {
    this.#deps = deps;
    this.#redact = deps.redact ? createViewRedactor(deps.redact) : async (value) => value;
  }

  /** Probot's handler: true when the request was ours. */
  handle = async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname === "/metrics") {
      await this.#metrics(request, response);
      return true;
    }
    if (url.pathname !== "/missions" && !url.pathname.startsWith("/missions/")) return false;
    try {
      await this.#route(request, response, url);
    } catch (error) {
      this.#deps.log.error({ err: error, path: url.pathname }, "dashboard request failed");
      if (!response.headersSent) this.#html(response, 500, "Error", "<h1>Something went wrong</h1><p>The error is in the app's log.</p>");
      else response.end();
    }
    return true;
  };

  /** How many live pages are open. */
  get liveStreams(): number {
    return this.#streams.size;
  }

  /** Ends the live streams, so the server can close. */
  close(): void {
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
  }

  async #route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path === "/missions/login") {
      if (method === "POST") return this.#login(request, response);
      return this.#loginPage(response, 200);
    }
    if (path === "/missions/logout" && method === "POST") {
      response.setHeader("set-cookie", this.#deps.auth.logout(request));
      return this.#redirect(response, "/missions/login");
    }
    if (path === "/missions/auth/github" && method === "GET" && this.#deps.auth.githubEnabled) {
      const { location, cookie } = this.#deps.auth.beginGitHub();
      response.setHeader("set-cookie", cookie);
      return this.#redirect(response, location, 302);
    }
    if (path === "/missions/auth/callback" && method === "GET" && this.#deps.auth.githubEnabled) {
      const result = await this.#deps.auth.finishGitHub(request, url.searchParams);
      if ("error" in result) return this.#loginPage(response, 401, result.error);
      response.setHeader("set-cookie", result.cookies);
      // A page, not a redirect: a redirect would still be part of GitHub's cross-site navigation,
      // and the browser would withhold the new SameSite=Strict cookie from it.
      return this.#html(response, 200, "Signed in", `<p>Signed in. <a href="/missions">Continue to the missions</a>.</p>`, `location.replace("/missions");`);
    }
    const session = this.#deps.auth.session(request);
    if (!session) return this.#loginPage(response, 401);
    if (method !== "GET") return this.#html(response, 405, "Not allowed", "<h1>Method not allowed</h1>");
    if (path === "/missions") return this.#list(response, session, url.searchParams);
    const match = MISSION_PATH.exec(path);
    const mission = match ? await this.#deps.store.getMission(match[1]!) : undefined;
    if (!mission || !(await this.#deps.auth.canRead(session, mission.repo.owner, mission.repo.name))) {
      return this.#html(response, 404, "Not found", "<h1>Not found</h1>");
    }
    if (match![2]) return this.#stream(request, response, mission, session);
    const page = renderMissionPage(await this.#view(mission));
    return this.#html(response, 200, page.title, page.body, page.script);
  }

  async #list(response: ServerResponse, session: Session, query: URLSearchParams): Promise<void> {
    const status = query.get("status") || undefined;
    const repository = query.get("repository") || undefined;
    const page = Math.min(10_000, Math.max(1, Number.parseInt(query.get("page") ?? "1", 10) || 1));
    // Access is decided per repository (few), never per mission (many): the store filters and pages.
    const all = await this.#deps.store.missionRepositories();
    const repositories: string[] = [];
    for (const name of all) {
      const [owner = "", repo = ""] = name.split("/", 2);
      if (await this.#deps.auth.canRead(session, owner, repo)) repositories.push(name);
    }
    const wanted = repository ? repositories.filter((name) => name === repository.toLowerCase()) : repositories;
    // Unfiltered only for the operator: a person's list is always limited to the repositories checked
    // above, so a mission in a repository that appeared since then is never listed unchecked.
    const everything = !repository && session.viewer.kind !== "github";
    // One more than a page: whether an older page exists, without counting every mission.
    const found = await this.#listed({
      ...(status ? { status } : {}),
      ...(everything ? {} : { repositories: wanted }),
      limit: PAGE_SIZE + 1,
      offset: (page - 1) * PAGE_SIZE,
    });
    const signedInAs = session.viewer.kind === "github" ? `signed in as ${escapeHtml(session.viewer.login)}` : "operator";
    const body = `${renderMissionList(found.slice(0, PAGE_SIZE), { status, repository }, repositories, { page, hasNext: found.length > PAGE_SIZE })}
<form class="small muted" method="post" action="/missions/logout">${signedInAs} · <button type="submit">Sign out</button></form>`;
    this.#html(response, 200, "Missions", body);
  }

  async #listed(query: Parameters<MissionStore["listMissionSummaries"]>[0]) {
    return this.#redact(await this.#deps.store.listMissionSummaries(query));
  }

  /** What a mission's page shows, every text of it redacted. */
  async #view(mission: Mission): Promise<MissionView> {
    const [events, usage] = await Promise.all([this.#deps.store.events(mission.id), this.#deps.store.usage(mission.id)]);
    const shown = await this.#redact({ mission, events });
    return { ...shown, usage, repositoryUrl: `${this.#deps.githubWebUrl}/${mission.repo.owner}/${mission.repo.name}`, now: this.#deps.now?.() ?? new Date() };
  }

  /** Server-sent events: the live part of the page, re-rendered after each change of the mission. */
  #stream(request: IncomingMessage, response: ServerResponse, target: Mission, session: Session): void {
    const missionId = target.id;
    // The client may have gone while its access was checked: then there is nothing to subscribe.
    if (request.destroyed || response.destroyed || response.writableEnded) return;
    const mine = [...this.#streams].filter((stream) => this.#sessionOf.get(stream) === session).length;
    if (this.#streams.size >= MAX_STREAMS || mine >= MAX_STREAMS_PER_SESSION) {
      response.writeHead(429, { ...securityHeaders(""), "content-type": "text/plain; charset=utf-8", "retry-after": "30" });
      response.end("Too many live pages are open.");
      return;
    }
    response.writeHead(200, {
      ...securityHeaders(""),
      "content-type": "text/event-stream; charset=utf-8",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    response.write("retry: 3000\n\n");
    this.#streams.add(response);
    this.#sessionOf.set(response, session);
    let timer: NodeJS.Timeout | undefined;
    let sending = Promise.resolve();
    const send = () => {
      timer = undefined;
      sending = sending.then(async () => {
        const mission = await this.#deps.store.getMission(missionId);
        if (!mission || response.writableEnded) return;
        // Signed out, expired, or no longer allowed to read the repository: the stream ends.
        const still = this.#deps.auth.session(request);
        if (!still || !(await this.#deps.auth.canRead(still, target.repo.owner, target.repo.name))) {
          response.end();
          return;
        }
        const html = renderMissionLive(await this.#view(mission));
        response.write(`event: update\ndata: ${JSON.stringify({ html })}\n\n`);
      }).catch((error: unknown) => this.#deps.log.warn({ err: error, mission: missionId }, "live update failed"));
    };
    const unsubscribe = this.#deps.feed.subscribe((changed) => {
      if (changed === missionId && !timer) timer = setTimeout(send, this.#deps.liveDelayMs ?? 150);
    });
    const heartbeat = setInterval(() => (this.#deps.auth.session(request) ? response.write(": keep-alive\n\n") : response.end()), 25_000);
    heartbeat.unref();
    const cleanup = () => {
      unsubscribe();
      clearInterval(heartbeat);
      if (timer) clearTimeout(timer);
      this.#streams.delete(response);
      this.#sessionOf.delete(response);
    };
    request.on("close", cleanup);
    response.on("close", cleanup);
    // Whatever changed between the page and this stream.
    send();
  }

  async #login(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = await readForm(request);
    const cookie = form ? this.#deps.auth.login(form.get("token") ?? "") : undefined;
    if (!cookie) return this.#loginPage(response, 401, "That token is not right.");
    response.setHeader("set-cookie", cookie);
    this.#redirect(response, "/missions");
  }

  #loginPage(response: ServerResponse, status: number, problem?: string): void {
    const { auth } = this.#deps;
    const parts = [
      `<h1>Sign in</h1>`,
      problem ? `<p class="verdict-fail" role="alert">${escapeHtml(problem)}</p>` : "",
      auth.githubEnabled ? `<a class="button" href="/missions/auth/github">Sign in with GitHub</a>` : "",
      auth.tokenEnabled
        ? `<form method="post" action="/missions/login" class="login"><label>Operator token <input type="password" name="token" autocomplete="current-password" required></label><button type="submit">Sign in</button></form>`
        : "",
      !auth.githubEnabled && !auth.tokenEnabled ? `<p class="muted">The operator has not enabled the dashboard: set MISSIONS_DASHBOARD_TOKEN, or GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET.</p>` : "",
    ];
    this.#html(response, status, "Sign in", `<div class="login">${parts.join("\n")}</div>`);
  }

  async #metrics(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { metrics, metricsAccess, auth } = this.#deps;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "")?.[1];
    const allowed = metricsAccess.public || (bearer !== undefined && (auth.isOperatorToken(bearer, metricsAccess.token) || auth.isOperatorToken(bearer)));
    if (!metrics || request.method !== "GET") {
      response.writeHead(404, securityHeaders("")).end();
      return;
    }
    if (!allowed) {
      response.writeHead(401, { ...securityHeaders(""), "www-authenticate": 'Bearer realm="metrics"', "content-type": "text/plain" }).end("Unauthorized\n");
      return;
    }
    const text = await metrics.render();
    response.writeHead(200, { ...securityHeaders(""), "content-type": metrics.contentType }).end(text);
  }

  #redirect(response: ServerResponse, location: string, status = 303): void {
    response.writeHead(status, { ...securityHeaders(""), location }).end();
  }

  #html(response: ServerResponse, status: number, title: string, body: string, script?: string): void {
    const nonce = randomBytes(16).toString("base64");
    const page = renderPage({ title, nonce, body, script });
    response.writeHead(status, { ...securityHeaders(nonce), "content-type": "text/html; charset=utf-8" }).end(page);
  }
}

function securityHeaders(nonce: string): Record<string, string> {
  const inline = nonce ? `'nonce-${nonce}'` : "'none'";
  return {
    "content-security-policy": `default-src 'none'; style-src ${inline}; script-src ${inline}; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": "no-store",
  };
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
