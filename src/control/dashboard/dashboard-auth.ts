import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** Who is looking: the operator (token), or a person signed in with GitHub (sees what they can read). */
export type Viewer = { kind: "operator" } | { kind: "github"; login: string };

export interface Session {
  viewer: Viewer;
  /** The person's GitHub user token: only ever sent to GitHub, never logged or shown. */
  githubToken?: string;
  expiresAt: number;
  readable: Map<string, { ok: boolean; until: number }>;
}

export interface DashboardAuthOptions {
  /** The operator's dashboard token. */
  token?: string;
  /** The app's OAuth client (manifest flow): enables "Sign in with GitHub". */
  oauth?: { clientId: string; clientSecret: string };
  githubWebUrl: string;
  githubApiUrl: string;
  /** Where people reach the app: GitHub sends them back under it. */
  publicUrl: () => string;
  fetch?: typeof fetch;
  now?: () => number;
}

const SESSION_COOKIE = "missions_session";
const STATE_COOKIE = "missions_oauth_state";
const SESSION_MS = 12 * 60 * 60 * 1000;
const STATE_MS = 10 * 60 * 1000;
const READ_CACHE_MS = 5 * 60 * 1000;
const MAX_SESSIONS = 10_000;
/** Sign-ins begun and not finished: anyone can begin one, so the oldest make room. */
const MAX_STATES = 10_000;
const SWEEP_EVERY_MS = 1_000;

/**
 * Dashboard authentication: the operator token (a bearer header, or the login form that sets an
 * HttpOnly, SameSite=Strict session cookie), and "Sign in with GitHub" through the app's OAuth client
 * (state checked, one use). Sessions live in memory: a restart signs everyone out.
 */
export class DashboardAuth {
  readonly #options: DashboardAuthOptions;
  readonly #sessions = new Map<string, Session>();
  /** Sign-ins begun: when each expires, and the page to return to. */
  readonly #states = new Map<string, { expires: number; next: string }>();
  #lastSweep = 0;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(options: DashboardAuthOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
  }

  get tokenEnabled(): boolean {
    return this.#options.token !== undefined;
  }

  get githubEnabled(): boolean {
    return this.#options.oauth !== undefined;
  }

  /** The session behind a request's bearer header or cookie; undefined when there is none. */
  /** The request's session, if it is still valid (also asked again during a live stream). */
  session(request: IncomingMessage): Session | undefined {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "")?.[1];
    if (bearer !== undefined) return this.isOperatorToken(bearer) ? { viewer: { kind: "operator" }, expiresAt: Infinity, readable: new Map() } : undefined;
    const id = readCookie(request, SESSION_COOKIE);
    const session = id ? this.#sessions.get(id) : undefined;
    if (!session) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(id!);
      return undefined;
    }
    return session;
  }

  /** Constant time, whatever the candidate's length. */
  isOperatorToken(candidate: string, expected = this.#options.token): boolean {
    if (expected === undefined) return false;
    const digest = (value: string) => createHash("sha256").update(value).digest();
    return timingSafeEqual(digest(candidate), digest(expected));
  }

  /** The form's token: a session cookie when it is the operator's. */
  login(token: string): string | undefined {
    if (!this.isOperatorToken(token)) return undefined;
    return this.#startSession({ viewer: { kind: "operator" }, expiresAt: this.#now() + SESSION_MS, readable: new Map() });
  }

  logout(request: IncomingMessage): string {
    const id = readCookie(request, SESSION_COOKIE);
    if (id) this.#sessions.delete(id);
    return this.#cookie(SESSION_COOKIE, "", { maxAgeSeconds: 0, sameSite: "Strict", path: "/" });
  }

  /** Where to send the browser for GitHub's consent, and the cookie that binds the state to it; `next` is where the sign-in returns. */
  beginGitHub(next = "/missions"): { location: string; cookie: string } {
    const oauth = this.#options.oauth!;
    const state = randomBytes(24).toString("base64url");
    this.#sweep();
    if (this.#states.size >= MAX_STATES) this.#states.delete(this.#states.keys().next().value!);
    this.#states.set(state, { expires: this.#now() + STATE_MS, next });
    const query = new URLSearchParams({ client_id: oauth.clientId, redirect_uri: this.#callbackUrl(), state, allow_signup: "false" });
    // Lax, not Strict: the browser must send it on GitHub's redirect back, a cross-site navigation.
    const cookie = this.#cookie(STATE_COOKIE, state, { maxAgeSeconds: STATE_MS / 1000, sameSite: "Lax", path: "/missions/auth" });
    return { location: `${this.#options.githubWebUrl}/login/oauth/authorize?${query}`, cookie };
  }

  /** GitHub's redirect back: checks the state, trades the code for the person's token, starts a session. */
  async finishGitHub(request: IncomingMessage, query: URLSearchParams): Promise<{ cookies: string[]; next: string } | { error: string; next?: string }> {
    const oauth = this.#options.oauth!;
    const state = query.get("state") ?? "";
    const expected = readCookie(request, STATE_COOKIE);
    const issued = this.#states.get(state);
    this.#states.delete(state);
    const clearState = this.#cookie(STATE_COOKIE, "", { maxAgeSeconds: 0, sameSite: "Lax", path: "/missions/auth" });
    if (!expected || !issued || issued.expires < this.#now() || !this.isOperatorToken(state, expected)) return { error: "The sign-in expired or did not start here. Try again." };
    // Refused past this point, the sign-in page still returns to the page the person asked for.
    const fail = (error: string) => ({ error, next: issued.next });
    const code = query.get("code");
    if (!code) return fail("GitHub did not grant access.");
    const exchange = await this.#fetch(`${this.#options.githubWebUrl}/login/oauth/access_token`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify({ client_id: oauth.clientId, client_secret: oauth.clientSecret, code, redirect_uri: this.#callbackUrl() }),
    });
    const granted = (await exchange.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!exchange.ok || !granted.access_token) return fail("GitHub refused the sign-in code.");
    const user = await this.#github(granted.access_token, "/user");
    if (!user.ok) return fail("GitHub did not say who you are.");
    const { login } = (await user.json()) as { login: string };
    // A GitHub App's user token expires (8 hours by default): the session ends with it.
    const lifetime = typeof granted.expires_in === "number" && granted.expires_in > 0 ? Math.min(SESSION_MS, granted.expires_in * 1000) : SESSION_MS;
    const cookie = this.#startSession({ viewer: { kind: "github", login }, githubToken: granted.access_token, expiresAt: this.#now() + lifetime, readable: new Map() });
    return { cookies: [cookie, clearState], next: issued.next };
  }

  /** Whether the viewer may see missions of this repository: the operator always, a person if GitHub lets them read it. */
  async canRead(session: Session, owner: string, name: string): Promise<boolean> {
    if (session.viewer.kind === "operator") return true;
    const key = `${owner}/${name}`.toLowerCase();
    const cached = session.readable.get(key);
    if (cached && cached.until > this.#now()) return cached.ok;
    const response = await this.#github(session.githubToken!, `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`).catch(() => undefined);
    await response?.body?.cancel().catch(() => {});
    const ok = response?.status === 200;
    // The person's token expired or was revoked: the session ends.
    if (response?.status === 401) session.expiresAt = 0;
    // Only GitHub's answer is remembered; an outage is asked again next time.
    if (ok || response?.status === 403 || response?.status === 404) session.readable.set(key, { ok, until: this.#now() + READ_CACHE_MS });
    return ok;
  }

  #github(token: string, path: string): Promise<Response> {
    return this.#fetch(`${this.#options.githubApiUrl}${path}`, {
      headers: { authorization: `Bearer ${token}`, accept: "application/vnd.github+json", "user-agent": "missions-dashboard" },
    });
  }

  #callbackUrl(): string {
    return `${this.#options.publicUrl()}/missions/auth/callback`;
  }

  #startSession(session: Session): string {
    this.#sweep();
    if (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    const id = randomBytes(32).toString("base64url");
    this.#sessions.set(id, session);
    return this.#cookie(SESSION_COOKIE, id, { maxAgeSeconds: SESSION_MS / 1000, sameSite: "Strict", path: "/" });
  }

  #sweep(): void {
    const now = this.#now();
    if (now - this.#lastSweep < SWEEP_EVERY_MS) return;
    this.#lastSweep = now;
    for (const [id, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(id);
    for (const [state, { expires }] of this.#states) if (expires <= now) this.#states.delete(state);
  }

  #cookie(name: string, value: string, options: { maxAgeSeconds: number; sameSite: "Strict" | "Lax"; path: string }): string {
    const secure = this.#options.publicUrl().startsWith("https:") ? "; Secure" : "";
    return `${name}=${value}; Path=${options.path}; Max-Age=${options.maxAgeSeconds}; HttpOnly; SameSite=${options.sameSite}${secure}`;
  }
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}
