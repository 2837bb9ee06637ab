import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { MissionStore } from "../../store/index.ts";

/** Who is looking: the operator (token), or a person signed in with GitHub (sees what they can read). */
export type Viewer = { kind: "operator" } | { kind: "github"; login: string };

export interface Session {
  /** Which session this is (a digest of its cookie; undefined for a bearer token): streams are counted per session. */
  id?: string;
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
  /**
   * Where sessions and sign-ins begun are kept: the mission store, so every instance on it knows them
   * (a cookie set by one instance works on another). Undefined: in this process's memory.
   */
  shared?: SharedState;
}

/** The part of the store that keeps short-lived shared state. */
export type SharedState = Pick<MissionStore, "putShared" | "getShared" | "takeShared" | "deleteShared">;

/** A session as kept: the person's GitHub token sealed with a key only its cookie gives. */
interface KeptSession {
  viewer: Viewer;
  sealedToken?: string;
  expiresAt: number;
}

const SESSION_COOKIE = "missions_session";
const STATE_COOKIE = "missions_oauth_state";
const SESSION_MS = 12 * 60 * 60 * 1000;
const STATE_MS = 10 * 60 * 1000;
const READ_CACHE_MS = 5 * 60 * 1000;
const MAX_SESSIONS = 10_000;
/** Sign-ins begun and not finished: anyone can begin one, so the oldest make room. */
const MAX_STATES = 10_000;
/** Read permissions remembered in this process, at most for this many sessions (a cache: any instance asks GitHub again). */
const MAX_CACHED_SESSIONS = 10_000;

/** Shared state in this process's memory (one instance, or no store given). */
export class MemorySharedState implements SharedState {
  readonly #kinds = new Map<string, Map<string, { value: unknown; expiresAt: number }>>();
  #of(kind: string): Map<string, { value: unknown; expiresAt: number }> {
    let values = this.#kinds.get(kind);
    if (!values) this.#kinds.set(kind, (values = new Map()));
    return values;
  }
  async putShared(kind: string, key: string, value: unknown, expiresAt: number, keep = Number.POSITIVE_INFINITY): Promise<void> {
    const values = this.#of(kind);
    const now = Date.now();
    for (const [id, kept] of values) if (kept.expiresAt <= now) values.delete(id);
    values.delete(key);
    // The oldest make room.
    while (values.size >= keep) values.delete(values.keys().next().value!);
    values.set(key, { value: structuredClone(value), expiresAt });
  }
  async getShared(kind: string, key: string): Promise<unknown> {
    const kept = this.#of(kind).get(key);
    return kept && kept.expiresAt > Date.now() ? structuredClone(kept.value) : undefined;
  }
  async takeShared(kind: string, key: string): Promise<unknown> {
    const value = await this.getShared(kind, key);
    this.#of(kind).delete(key);
    return value;
  }
  async deleteShared(kind: string, key: string): Promise<void> {
    this.#of(kind).delete(key);
  }
}

/**
 * Dashboard authentication: the operator token (a bearer header, or the login form that sets an
 * HttpOnly, SameSite=Strict session cookie), and "Sign in with GitHub" through the app's OAuth client
 * (state checked, one use). Sessions and sign-ins begun are kept in the mission store (`shared`): every
 * instance on it knows them, and a restart signs nobody out. The store holds a digest of each cookie,
 * never the cookie, and the person's GitHub token sealed with a key derived from the cookie.
 */
export class DashboardAuth {
  readonly #options: DashboardAuthOptions;
  readonly #shared: SharedState;
  /** What GitHub said each session may read, remembered here for a while (a cache, by session id). */
  readonly #readable = new Map<string, Session["readable"]>();
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(options: DashboardAuthOptions) {
    this.#options = options;
    this.#shared = options.shared ?? new MemorySharedState();
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
  async session(request: IncomingMessage): Promise<Session | undefined> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "")?.[1];
    if (bearer !== undefined) return this.isOperatorToken(bearer) ? { viewer: { kind: "operator" }, expiresAt: Infinity, readable: new Map() } : undefined;
    const cookie = readCookie(request, SESSION_COOKIE);
    if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
    const id = sessionId(cookie);
    const kept = (await this.#shared.getShared("session", id)) as KeptSession | undefined;
    if (!kept) return undefined;
    if (kept.expiresAt <= this.#now()) {
      await this.#shared.deleteShared("session", id);
      return undefined;
    }
    const githubToken = kept.sealedToken !== undefined ? unseal(cookie, kept.sealedToken) : undefined;
    if (kept.sealedToken !== undefined && githubToken === undefined) return undefined;
    let readable = this.#readable.get(id);
    if (!readable) {
      if (this.#readable.size >= MAX_CACHED_SESSIONS) this.#readable.delete(this.#readable.keys().next().value!);
      readable = new Map();
      this.#readable.set(id, readable);
    }
    return { id, viewer: kept.viewer, ...(githubToken !== undefined ? { githubToken } : {}), expiresAt: kept.expiresAt, readable };
  }

  /** Constant time, whatever the candidate's length. */
  isOperatorToken(candidate: string, expected = this.#options.token): boolean {
    if (expected === undefined) return false;
    const digest = (value: string) => createHash("sha256").update(value).digest();
    return timingSafeEqual(digest(candidate), digest(expected));
  }

  /** The form's token: a session cookie when it is the operator's. */
  async login(token: string): Promise<string | undefined> {
    if (!this.isOperatorToken(token)) return undefined;
    return this.#startSession({ viewer: { kind: "operator" }, expiresAt: this.#now() + SESSION_MS });
  }

  async logout(request: IncomingMessage): Promise<string> {
    const cookie = readCookie(request, SESSION_COOKIE);
    if (cookie) {
      await this.#shared.deleteShared("session", sessionId(cookie));
      this.#readable.delete(sessionId(cookie));
    }
    return this.#cookie(SESSION_COOKIE, "", { maxAgeSeconds: 0, sameSite: "Strict", path: "/" });
  }

  /** Where to send the browser for GitHub's consent, and the cookie that binds the state to it; `next` is where the sign-in returns. */
  async beginGitHub(next = "/missions"): Promise<{ location: string; cookie: string }> {
    const oauth = this.#options.oauth!;
    const state = randomBytes(24).toString("base64url");
    // Kept by digest: GitHub may send the person back to another instance.
    await this.#shared.putShared("oauth-state", sessionId(state), { expires: this.#now() + STATE_MS, next }, Date.now() + STATE_MS, MAX_STATES);
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
    const issued = state ? ((await this.#shared.takeShared("oauth-state", sessionId(state))) as { expires: number; next: string } | undefined) : undefined;
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
    const cookie = await this.#startSession({ viewer: { kind: "github", login }, expiresAt: this.#now() + lifetime }, granted.access_token);
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
    if (response?.status === 401) {
      session.expiresAt = 0;
      if (session.id) await this.#shared.deleteShared("session", session.id).catch(() => {});
    }
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

  async #startSession(session: { viewer: Viewer; expiresAt: number }, githubToken?: string): Promise<string> {
    const cookie = randomBytes(32).toString("base64url");
    const kept: KeptSession = { ...session, ...(githubToken !== undefined ? { sealedToken: seal(cookie, githubToken) } : {}) };
    // The store forgets it by the wall clock; the session's own expiry (this clock) is checked on each request.
    await this.#shared.putShared("session", sessionId(cookie), kept, Date.now() + Math.max(0, session.expiresAt - this.#now()), MAX_SESSIONS);
    return this.#cookie(SESSION_COOKIE, cookie, { maxAgeSeconds: SESSION_MS / 1000, sameSite: "Strict", path: "/" });
  }

  #cookie(name: string, value: string, options: { maxAgeSeconds: number; sameSite: "Strict" | "Lax"; path: string }): string {
    const secure = this.#options.publicUrl().startsWith("https:") ? "; Secure" : "";
    return `${name}=${value}; Path=${options.path}; Max-Age=${options.maxAgeSeconds}; HttpOnly; SameSite=${options.sameSite}${secure}`;
  }
}

/** What the store knows a session (or a sign-in's state) by: a digest, so reading the store gives no cookie. */
function sessionId(cookie: string): string {
  return createHash("sha256").update(`missions-session\u0000${cookie}`).digest("base64url");
}

/** The person's GitHub token, sealed with a key only the cookie gives (AES-256-GCM). */
function seal(cookie: string, token: string): string {
  const key = createHash("sha256").update(`missions-session-key\u0000${cookie}`).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64url");
}

function unseal(cookie: string, sealed: string): string | undefined {
  try {
    const bytes = Buffer.from(sealed, "base64url");
    const key = createHash("sha256").update(`missions-session-key\u0000${cookie}`).digest();
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}
