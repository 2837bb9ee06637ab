import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { citedScreenshots, evidenceFolder, SCREENSHOT_NAME, screenshotsOfVerdict, validatorOf, type Mission } from "../../mission/index.ts";
import { RATE_WINDOW_MS, type MissionStore } from "../../store/index.ts";
import type { DashboardAuth, Session } from "./dashboard-auth.ts";
import { html, renderPage, type Html } from "./html.ts";
import type { MissionFeed } from "./mission-feed.ts";
import { attentionRank, describeNow, NEEDS_PEOPLE } from "./now.ts";
import { renderMissionList, renderMissionRows, type ListRow } from "./render-mission-list.ts";
import { renderMissionLive, renderMissionPage, type MissionView } from "./render-mission-page.ts";
import { EVIDENCE_PATH, safeReturnPath } from "./return-path.ts";
import { readScreenshot } from "./screenshots.ts";
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
  /**
   * Where the user-testing validator writes its screenshots (`<workspaces>/.evidence`): read when the
   * store has none for a verdict (taken before screenshots were kept in the store). The store's are
   * shown first, whichever instance took them.
   */
  evidenceRoot?: string;
  /**
   * The missions whose next turn waits in the shared queue for a free instance (PostgreSQL): shown
   * "Queued" in the Now banner and the list's Now column. Undefined: no queue, none wait.
   */
  queued?: () => Promise<ReadonlySet<string>>;
}

const MISSION_PATH = /^\/missions\/([A-Za-z0-9_-]{1,64})(\/events)?$/;
/** The list's live part: how long to gather changes of any mission before one update. */
const LIST_DELAY_MS = 1_000;
const MAX_FORM_BYTES = 8 * 1024;
/** Missions on one page of the list. */
const PAGE_SIZE = 50;
/** The events the Now column reads to say since when (a step's start, the start of a wait), and how many of the latest. */
const NOW_EVENT_KINDS = ["step-start", "step-end", "step-fail", "intent-apply"] as const;
const NOW_EVENTS = 20;
/** Live pages open at once: each holds a connection and re-renders on every change of its mission. */
const MAX_STREAMS = 500;
const MAX_STREAMS_PER_SESSION = 10;
/** GitHub sign-ins one client address may begin per hour: each keeps a state in the store until it ends or expires. */
const SIGN_INS_PER_HOUR = 30;

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
      if (!response.headersSent) this.#html(response, 500, "Error", html`<h1>Something went wrong</h1><p>The error is in the app's log.</p>`);
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
      return this.#loginPage(response, 200, undefined, safeReturnPath(url.searchParams.get("next")));
    }
    if (path === "/missions/logout" && method === "POST") {
      response.setHeader("set-cookie", await this.#deps.auth.logout(request));
      return this.#redirect(response, "/missions/login");
    }
    if (path === "/missions/auth/github" && method === "GET" && this.#deps.auth.githubEnabled) {
      // Anyone may begin one, and each is kept in the store: counted per client address, on every instance alike.
      const address = request.socket.remoteAddress ?? "unknown";
      if (!(await this.#deps.store.markRate(`sign-in:${address}`, randomUUID(), Date.now(), RATE_WINDOW_MS, SIGN_INS_PER_HOUR))) {
        response.setHeader("retry-after", String(RATE_WINDOW_MS / 1000));
        return this.#html(response, 429, "Too many sign-ins", html`<h1>Too many sign-ins</h1><p>Too many GitHub sign-ins were begun from this address. Try again later.</p>`);
      }
      const { location, cookie } = await this.#deps.auth.beginGitHub(safeReturnPath(url.searchParams.get("next")));
      response.setHeader("set-cookie", cookie);
      return this.#redirect(response, location, 302);
    }
    if (path === "/missions/auth/callback" && method === "GET" && this.#deps.auth.githubEnabled) {
      const result = await this.#deps.auth.finishGitHub(request, url.searchParams);
      if ("error" in result) return this.#loginPage(response, 401, result.error, safeReturnPath(result.next));
      response.setHeader("set-cookie", result.cookies);
      const next = safeReturnPath(result.next);
      // A page, not a redirect: a redirect would still be part of GitHub's cross-site navigation,
      // and the browser would withhold the new SameSite=Strict cookie from it.
      return this.#html(response, 200, "Signed in", html`<p>Signed in. <a href="${next}">Continue</a>.</p>`, `location.replace(${JSON.stringify(next)});`);
    }
    const session = await this.#deps.auth.session(request);
    if (!session) return this.#loginPage(response, 401);
    if (method !== "GET") return this.#html(response, 405, "Not allowed", html`<h1>Method not allowed</h1>`);
    if (path === "/missions") return this.#list(response, session, url.searchParams);
    if (path === "/missions/events") return this.#listStream(request, response, session, url.searchParams);
    const evidence = EVIDENCE_PATH.exec(path);
    const match = evidence ? undefined : MISSION_PATH.exec(path);
    const id = evidence?.[1] ?? match?.[1];
    const mission = id ? await this.#deps.store.getMission(id) : undefined;
    if (!mission || !(await this.#deps.auth.canRead(session, mission.repo.owner, mission.repo.name))) {
      return this.#html(response, 404, "Not found", html`<h1>Not found</h1>`);
    }
    if (evidence) return this.#screenshot(response, mission, evidence[2]!, evidence[3]!);
    if (match![2]) return this.#stream(request, response, mission, session);
    const page = renderMissionPage(await this.#view(mission));
    return this.#html(response, 200, page.title, page.body, page.script);
  }

  async #list(response: ServerResponse, session: Session, query: URLSearchParams): Promise<void> {
    const { rows, filter, repositories, page } = await this.#listRows(session, query);
    const signedInAs = session.viewer.kind === "github" ? `signed in as ${session.viewer.login}` : "operator";
    const list = renderMissionList(rows, filter, repositories, page, this.#now());
    const body = html`${list.body}
<form class="small muted" method="post" action="/missions/logout">${signedInAs} · <button type="submit">Sign out</button></form>`;
    this.#html(response, 200, "Missions", body, list.script);
  }

  /**
   * The rows of a page of the list: missions that need people first, then the others, newest first in
   * each part, paged as one sequence (a status filter pages that status alone).
   */
  async #listRows(session: Session, query: URLSearchParams) {
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
    const scope = everything ? {} : { repositories: wanted };
    const { rows, hasNext } = status ? await this.#page({ status, ...scope }, page) : await this.#waitingFirst(scope, page);
    const queued = await this.#queued();
    const withNow: ListRow[] = await Promise.all(
      rows.map(async (row): Promise<ListRow> => {
        if (attentionRank(row.status) === 2) return row;
        const mission = await this.#deps.store.getMission(row.id);
        if (!mission) return row;
        const shownMission = await this.#redact(mission);
        const issueUrl = `${this.#deps.githubWebUrl}/${mission.repo.owner}/${mission.repo.name}/issues/${mission.issue.number}`;
        // Since when, as the mission's page says it: the step's start, or when the wait began (a few rows, never the whole timeline).
        const events = await this.#deps.store.recentEvents(mission.id, NOW_EVENT_KINDS, NOW_EVENTS);
        return { ...row, now: describeNow(shownMission, events, issueUrl, { queued: queued.has(mission.id) }) };
      }),
    );
    withNow.sort((a, b) => attentionRank(a.status) - attentionRank(b.status) || b.updatedAt.localeCompare(a.updatedAt));
    return { rows: withNow, filter: { status, repository }, repositories, page: { page, hasNext } };
  }

  /** A page of missions newest first, and whether an older page exists (one more row read, nothing counted). */
  async #page(filter: Omit<Parameters<MissionStore["listMissionSummaries"]>[0], "limit" | "offset">, page: number) {
    const found = await this.#listed({ ...filter, limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
    return { rows: found.slice(0, PAGE_SIZE), hasNext: found.length > PAGE_SIZE };
  }

  /**
   * A page of one sequence, paged like any: the missions that need people (newest first), then the
   * others (newest first). Each mission is on exactly one page. The others are read from the store's
   * newest-first pages with the waiting ones (few) left out.
   */
  async #waitingFirst(scope: { repositories?: string[] }, page: number) {
    const start = (page - 1) * PAGE_SIZE;
    const newestFirst = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
    const waiting = (await Promise.all(NEEDS_PEOPLE.map((needed) => this.#listed({ status: needed, ...scope, limit: start + PAGE_SIZE + 1, offset: 0 })))).flat().sort(newestFirst);
    const leading = waiting.slice(start, start + PAGE_SIZE);
    const rest = await this.#othersFrom(scope, waiting, Math.max(0, start - waiting.length), PAGE_SIZE - leading.length + 1);
    if (leading.length === PAGE_SIZE) return { rows: leading, hasNext: waiting.length > start + PAGE_SIZE || rest.length > 0 };
    // Fewer waiting than reach past this page's start: `waiting` is all of them.
    return { rows: [...leading, ...rest.slice(0, PAGE_SIZE - leading.length)], hasNext: rest.length > PAGE_SIZE - leading.length };
  }

  /** `count` missions that do not wait on people, from the `from`-th of them (newest first); `waiting` is every one that does. */
  async #othersFrom(scope: { repositories?: string[] }, waiting: Array<{ id: string; createdAt: string }>, from: number, count: number) {
    const waitingIds = new Set(waiting.map((row) => row.id));
    // The store's rows from `from` on hold the wanted ones, after the waiting missions among them.
    const window = await this.#listed({ ...scope, limit: count + waiting.length, offset: from });
    const first = window[0];
    if (!first) return [];
    // Waiting missions before the window pushed the others back: that many of the others in it were on earlier pages.
    const before = waiting.filter((row) => row.createdAt > first.createdAt).length;
    return window.filter((row) => !waitingIds.has(row.id)).slice(before, before + count);
  }

  async #listed(query: Parameters<MissionStore["listMissionSummaries"]>[0]) {
    return this.#redact(await this.#deps.store.listMissionSummaries(query));
  }

  /** What a mission's page shows, every text of it redacted. */
  async #view(mission: Mission): Promise<MissionView> {
    const [events, usage, queued] = await Promise.all([this.#deps.store.events(mission.id), this.#deps.store.usage(mission.id), this.#queued()]);
    const shown = await this.#redact({ mission, events });
    const screenshots = await this.#screenshots(shown.mission);
    return { ...shown, usage, repositoryUrl: `${this.#deps.githubWebUrl}/${mission.repo.owner}/${mission.repo.name}`, now: this.#now(), screenshots, queued: queued.has(mission.id) };
  }

  /** The missions waiting for a free instance; none when the queue cannot be read (the page still shows). */
  async #queued(): Promise<ReadonlySet<string>> {
    if (!this.#deps.queued) return new Set();
    return this.#deps.queued().catch((error: unknown) => {
      this.#deps.log.warn({ err: error }, "could not read which missions are queued");
      return new Set<string>();
    });
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }

  /**
   * The screenshots each assertion's evidence cites by name (`screenshot-01.png`), from the folder the
   * user-testing validator wrote for the assertion's milestone and the commit of its verdict.
   */
  async #screenshots(mission: Mission): Promise<Record<string, string[]>> {
    const root = this.#deps.evidenceRoot;
    const plan = mission.contracts.find((contract) => contract.version === mission.approvedVersion)?.plan;
    const found: Record<string, string[]> = {};
    for (const assertion of plan?.assertions ?? []) {
      const state = mission.assertions[assertion.id];
      if (!state?.evidence || !state.commitSha) continue;
      const folder = evidenceFolder(assertion.milestoneId, state.commitSha);
      if (!EVIDENCE_PATH.test(`/missions/${mission.id}/evidence/${folder}/x.png`)) continue;
      // The store's (any instance took them); else this host's folder (screenshots taken before they were kept in the store).
      let files = (await this.#deps.store.listEvidence(mission.id, folder)).filter((name) => SCREENSHOT_NAME.test(name));
      if (files.length === 0 && root) {
        const directory = join(root, mission.id, folder);
        if (existsSync(directory)) files = (await readdir(directory).catch(() => [] as string[])).filter((name) => SCREENSHOT_NAME.test(name)).sort();
      }
      // The screenshots its evidence names; a user-testing verdict that names none is shown beside all its session took.
      const shown = validatorOf(assertion) === "user-testing" ? screenshotsOfVerdict(files, state.evidence) : citedScreenshots(files, state.evidence);
      if (shown.length > 0) found[assertion.id] = shown.map((name) => `/missions/${encodeURIComponent(mission.id)}/evidence/${folder}/${name}`);
    }
    return found;
  }

  /** A screenshot, to a person who may read the mission's repository (checked by the caller): from the store, else this host's folder. */
  async #screenshot(response: ServerResponse, mission: Mission, folder: string, file: string): Promise<void> {
    const root = this.#deps.evidenceRoot;
    const image = (await this.#deps.store.getEvidence(mission.id, folder, file)) ?? (root ? await readScreenshot(join(root, mission.id, folder, file)) : undefined);
    if (!image) return this.#html(response, 404, "Not found", html`<h1>Not found</h1>`);
    response.writeHead(200, { ...securityHeaders(""), "content-type": file.endsWith(".png") ? "image/png" : "image/jpeg", "cache-control": "private, max-age=300" }).end(image);
  }

  /** Server-sent events for the list: its rows again, a moment after any mission changed. */
  #listStream(request: IncomingMessage, response: ServerResponse, session: Session, query: URLSearchParams): void {
    this.#open(request, response, session, {
      delayMs: Math.max(this.#deps.liveDelayMs ?? 150, LIST_DELAY_MS),
      wants: () => true,
      render: async () => {
        const { rows, filter, page } = await this.#listRows(session, query);
        return renderMissionRows(rows, filter, page, this.#now());
      },
    });
  }

  /** Server-sent events: the live part of the page, re-rendered after each change of the mission. */
  #stream(request: IncomingMessage, response: ServerResponse, target: Mission, session: Session): void {
    const missionId = target.id;
    this.#open(request, response, session, {
      delayMs: this.#deps.liveDelayMs ?? 150,
      wants: (changed) => changed === missionId,
      render: async () => {
        const mission = await this.#deps.store.getMission(missionId);
        if (!mission) return undefined;
        // No longer allowed to read the repository: the stream ends.
        const still = await this.#deps.auth.session(request);
        if (!still || !(await this.#deps.auth.canRead(still, target.repo.owner, target.repo.name))) return undefined;
        return renderMissionLive(await this.#view(mission));
      },
    });
  }

  /** A live stream: `render` again (gathered over `delayMs`) whenever a mission it `wants` changes; undefined ends it. */
  #open(request: IncomingMessage, response: ServerResponse, session: Session, live: { delayMs: number; wants: (missionId: string) => boolean; render: () => Promise<Html | undefined> }): void {
    // The client may have gone while its access was checked: then there is nothing to subscribe.
    if (request.destroyed || response.destroyed || response.writableEnded) return;
    const same = (other: Session | undefined) => other !== undefined && (other === session || (session.id !== undefined && other.id === session.id));
    const mine = [...this.#streams].filter((stream) => same(this.#sessionOf.get(stream))).length;
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
      sending = sending
        .then(async () => {
          if (response.writableEnded) return;
          // Signed out or expired: the stream ends.
          if (!(await this.#deps.auth.session(request))) return void response.end();
          const markup = await live.render();
          if (markup === undefined) return void response.end();
          if (!response.writableEnded) response.write(`event: update\ndata: ${JSON.stringify({ html: markup.toString() })}\n\n`);
        })
        .catch((error: unknown) => this.#deps.log.warn({ err: error }, "live update failed"));
    };
    const unsubscribe = this.#deps.feed.subscribe((changed) => {
      if (live.wants(changed) && !timer) timer = setTimeout(send, live.delayMs);
    });
    const heartbeat = setInterval(() => {
      void this.#deps.auth
        .session(request)
        .then((still) => (still ? response.write(": keep-alive\n\n") : response.end()))
        .catch(() => response.end());
    }, 25_000);
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
    const cookie = form ? await this.#deps.auth.login(form.get("token") ?? "") : undefined;
    const next = safeReturnPath(form?.get("next"));
    // A wrong token: the page asked for is kept (the form sent it), so the next try still returns there.
    if (!cookie) return this.#loginPage(response, 401, "That token is not right.", next);
    response.setHeader("set-cookie", cookie);
    this.#redirect(response, next);
  }

  /**
   * The sign-in page, answered in place of the page asked for. It returns there after signing in: its
   * script reads the address the browser shows (the server echoes nothing of it: a 401 reveals nothing).
   * On the sign-in's own addresses (a wrong token, a refused GitHub sign-in) the address shows nothing
   * of that page: `next` is the one the person's own request named, checked again.
   */
  #loginPage(response: ServerResponse, status: number, problem?: string, next = "/missions"): void {
    const { auth } = this.#deps;
    const body = html`<div class="login" data-next="${next}">
<h1>Sign in</h1>
${problem ? html`<p class="verdict-fail" role="alert">${problem}</p>` : ""}
${auth.githubEnabled ? html`<a class="button" href="/missions/auth/github" data-github>Sign in with GitHub</a>` : ""}
${auth.tokenEnabled ? html`<form method="post" action="/missions/login" class="login"><input type="hidden" name="next" value="${next}"><label>Operator token <input type="password" name="token" autocomplete="current-password" required></label><button type="submit">Sign in</button></form>` : ""}
${!auth.githubEnabled && !auth.tokenEnabled ? html`<p class="muted">The operator has not enabled the dashboard: set MISSIONS_DASHBOARD_TOKEN, or GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET.</p>` : ""}
</div>`;
    this.#html(response, status, "Sign in", body, RETURN_SCRIPT);
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

  #html(response: ServerResponse, status: number, title: string, body: Html, script?: string): void {
    const nonce = randomBytes(16).toString("base64");
    const page = renderPage({ title, nonce, body, ...(script ? { script } : {}) });
    response.writeHead(status, { ...securityHeaders(nonce), "content-type": "text/html; charset=utf-8" }).end(page);
  }
}

// Where to return after signing in: the page whose address the browser shows (the server checks it again).
const RETURN_SCRIPT = `
(() => {
  const own = location.pathname.startsWith("/missions/login") || location.pathname.startsWith("/missions/auth");
  const next = own ? document.querySelector("div.login")?.dataset.next || "/missions" : location.pathname + location.search + location.hash;
  // Set as the person signs in, not before: the page at rest holds nothing of the address.
  for (const form of document.querySelectorAll("form.login")) form.addEventListener("submit", () => { form.querySelector('input[name="next"]').value = next; });
  for (const link of document.querySelectorAll("a[data-github]")) link.addEventListener("click", () => { link.href = "/missions/auth/github?next=" + encodeURIComponent(next); });
})();
`;

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
