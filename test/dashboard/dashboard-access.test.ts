import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "../e2e/harness.ts";

const TOKEN = "operator-token-0123456789abcdef";
const SECRET_REPO = "secret-plans";
const HOSTILE_TITLE = `Greet <img src=x onerror="alert(1)"> & <script>alert(2)</script>`;

describe("who sees the dashboard", () => {
  let harness: Harness;
  let visibleId: string;
  let hiddenId: string;
  beforeAll(async () => {
    harness = await startHarness({
      files: FIXTURE_FILES,
      env: (_models, github) => ({ MISSIONS_DASHBOARD_TOKEN: TOKEN, GITHUB_CLIENT_ID: github.oauthClient.clientId, GITHUB_CLIENT_SECRET: github.oauthClient.clientSecret }),
    });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    await harness.startMission(HOSTILE_TITLE);
    await harness.github.createRepo({ owner: OWNER, name: SECRET_REPO, files: FIXTURE_FILES });
    harness.github.setPermission(OWNER, SECRET_REPO, MAINTAINER, "write");
    const { number } = harness.github.createIssue({ owner: OWNER, repo: SECRET_REPO, title: "Secret greetings", user: MAINTAINER });
    await harness.github.addLabel({ owner: OWNER, repo: SECRET_REPO, issue: number, label: "mission", sender: MAINTAINER });
    await harness.settle();
    const missions = await harness.app.store.listMissions();
    visibleId = missions.find((mission) => mission.repo.name === REPO)!.id;
    hiddenId = missions.find((mission) => mission.repo.name === SECRET_REPO)!.id;
    harness.github.setPermission(OWNER, REPO, "bob", "read");
  });
  afterAll(async () => {
    await harness.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${harness.app.url}${path}`, { headers, redirect: "manual" });
  const cookieOf = (response: Response) => response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!).join("; ");

  it("answers 401 to anyone without credentials, revealing nothing", async () => {
    for (const path of ["/missions", `/missions/${visibleId}`, `/missions/${visibleId}/events`, `/missions/${hiddenId}`, "/missions/unknown"]) {
      const attempts: Array<Record<string, string>> = [{}, { authorization: "Bearer not-the-token-0123456789" }, { cookie: "missions_session=forged" }];
      for (const headers of attempts) {
        const response = await get(path, headers);
        expect(response.status, path).toBe(401);
        const body = await response.text();
        expect(body).toContain("Sign in");
        for (const secret of [visibleId, hiddenId, "Greet", "Secret greetings", SECRET_REPO, REPO]) expect(body).not.toContain(secret);
      }
    }
  });

  it("lets the operator in with the token, by bearer header or the login form's HttpOnly, SameSite=Strict cookie", async () => {
    expect((await get("/missions", { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    const wrong = await fetch(`${harness.app.url}/missions/login`, { method: "POST", body: new URLSearchParams({ token: "nope" }), redirect: "manual" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    // A wrong token keeps the page asked for, checked again: the next try returns there, never elsewhere.
    const form = (next: string, token: string) => fetch(`${harness.app.url}/missions/login`, { method: "POST", body: new URLSearchParams({ token, next }), redirect: "manual" });
    const retry = await (await form(`/missions/${visibleId}`, "nope")).text();
    const kept = /<input type="hidden" name="next" value="([^"]*)">/.exec(retry)?.[1];
    expect(kept).toBe(`/missions/${visibleId}`);
    const back = await form(kept!, TOKEN);
    expect([back.status, back.headers.get("location")]).toEqual([303, `/missions/${visibleId}`]);
    expect(/<input type="hidden" name="next" value="([^"]*)">/.exec(await (await form("https://evil.example/missions", "nope")).text())?.[1]).toBe("/missions");
    const login = await fetch(`${harness.app.url}/missions/login`, { method: "POST", body: new URLSearchParams({ token: TOKEN }), redirect: "manual" });
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/missions");
    const [cookie] = login.headers.getSetCookie();
    expect(cookie).toMatch(/^missions_session=[\w-]{40,}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(TOKEN);
    const list = await get("/missions", { cookie: cookieOf(login) });
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain(`/missions/${visibleId}`);
    expect(html).toContain(`/missions/${hiddenId}`);
    expect(html).not.toContain(TOKEN);
    // Filters by status and repository.
    expect(await (await get(`/missions?repository=${OWNER}/${SECRET_REPO}`, { cookie: cookieOf(login) })).text()).not.toContain(`/missions/${visibleId}`);
    expect(await (await get("/missions?status=done", { cookie: cookieOf(login) })).text()).not.toContain(`/missions/${hiddenId}`);

    const logout = await fetch(`${harness.app.url}/missions/logout`, { method: "POST", headers: { cookie: cookieOf(login) }, redirect: "manual" });
    expect(logout.status).toBe(303);
    expect((await get("/missions", { cookie: cookieOf(login) })).status).toBe(401);
  });

  it("escapes people's and models' text, and sends a strict CSP with no referrer", async () => {
    const response = await get(`/missions/${visibleId}`, { authorization: `Bearer ${TOKEN}` });
    const html = await response.text();
    expect(html).toContain("Greet &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<script>alert");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'nonce-[\w+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const nonce = /'nonce-([\w+/=]+)'/.exec(csp)![1]!;
    // Every script on the page carries the nonce: nothing else would run.
    expect([...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1])).toEqual([` nonce="${nonce}"`]);
  });

  /** Follows the sign-in through the fake GitHub as a browser would; returns the session cookie, or the last answer. */
  async function signInWithGitHub(next?: string): Promise<{ cookie?: string; response: Response }> {
    const start = await get(next === undefined ? "/missions/auth/github" : `/missions/auth/github?${new URLSearchParams({ next })}`);
    expect(start.status).toBe(302);
    const stateCookie = cookieOf(start);
    expect(start.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Lax$/);
    const consent = await fetch(start.headers.get("location")!, { redirect: "manual" });
    expect(consent.status).toBe(302);
    const callback = new URL(consent.headers.get("location")!);
    expect(callback.origin + callback.pathname).toBe(`${harness.app.url}/missions/auth/callback`);
    const response = await get(callback.pathname + callback.search, { cookie: stateCookie });
    const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith("missions_session="));
    return { cookie: session?.split(";")[0], response };
  }

  it("signs a person in with GitHub and shows only missions in repositories they can read", async () => {
    harness.github.authorizeAs("bob");
    const { cookie, response } = await signInWithGitHub();
    expect(response.status).toBe(200);
    expect(cookie).toBeDefined();
    const list = await (await get("/missions", { cookie: cookie! })).text();
    expect(list).toContain(`/missions/${visibleId}`);
    expect(list).toContain("signed in as bob");
    expect(list).not.toContain(`/missions/${hiddenId}`);
    expect(list).not.toContain("Secret greetings");
    expect((await get(`/missions/${visibleId}`, { cookie: cookie! })).status).toBe(200);
    const hidden = await get(`/missions/${hiddenId}`, { cookie: cookie! });
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).not.toContain("Secret");
    expect((await get(`/missions/${hiddenId}/events`, { cookie: cookie! })).status).toBe(404);
    expect(await response.text()).toContain(`location.replace("/missions");`);
  });

  it("returns a GitHub sign-in to the page asked for, and never to another site", async () => {
    harness.github.authorizeAs("bob");
    const back = await signInWithGitHub(`/missions/${visibleId}`);
    expect(back.response.status).toBe(200);
    expect(await back.response.text()).toContain(`location.replace("/missions/${visibleId}");`);
    for (const elsewhere of ["https://evil.example/", "//evil.example", "/missions/x/../../admin"]) {
      const away = await signInWithGitHub(elsewhere);
      const page = await away.response.text();
      expect(page).toContain(`location.replace("/missions");`);
      expect(page).not.toContain("evil.example");
    }
  });

  it("refuses a sign-in whose state does not match, a replayed code, and a person who declines", async () => {
    harness.github.authorizeAs("bob");
    const start = await get("/missions/auth/github");
    const consent = await fetch(start.headers.get("location")!, { redirect: "manual" });
    const callback = new URL(consent.headers.get("location")!);
    // Another browser's state cookie (an attacker's link): refused.
    const other = cookieOf(await get("/missions/auth/github"));
    const forged = await get(callback.pathname + callback.search, { cookie: other });
    expect(forged.status).toBe(401);
    expect(forged.headers.getSetCookie().some((cookie) => cookie.startsWith("missions_session="))).toBe(false);
    // The right cookie, but the state was used up by the refused attempt.
    expect((await get(callback.pathname + callback.search, { cookie: cookieOf(start) })).status).toBe(401);

    harness.github.authorizeAs(undefined);
    const declined = await signInWithGitHub(`/missions/${visibleId}`);
    expect(declined.response.status).toBe(401);
    expect(declined.cookie).toBeUndefined();
    // The sign-in page after a refusal still returns to the page asked for, on the next try.
    expect(await declined.response.text()).toContain(`<div class="login" data-next="/missions/${visibleId}">`);
  });

  it("escapes tool names the model made up", async () => {
    const hostile = `<meta http-equiv="refresh" content="0;url=https://evil.example">`;
    await harness.app.store.appendEvent({ missionId: visibleId, kind: "tool-call", at: new Date().toISOString(), data: { feature: "F9<b>", tool: hostile, isError: true } });
    const page = await (await get(`/missions/${visibleId}`, { authorization: `Bearer ${TOKEN}` })).text();
    expect(page).not.toContain("<meta http-equiv");
    expect(page).not.toContain("F9<b>");
    expect(page).toContain("&lt;meta http-equiv=");
  });

  it("keeps the token, sessions and sign-in codes out of the logs", () => {
    const logs = harness.logs.join("\n");
    expect(logs).toContain("GET /missions");
    expect(logs).not.toContain(TOKEN);
    expect(logs).not.toMatch(/missions_session=[\w-]{20,}/);
    expect(logs).not.toMatch(/callback\?code=/);
  });

  it("caps live pages per session, cleans up after clients that leave, and ends a stream when its viewer signs out", async () => {
    const login = await fetch(`${harness.app.url}/missions/login`, { method: "POST", body: new URLSearchParams({ token: TOKEN }), redirect: "manual" });
    const cookie = cookieOf(login);
    const aborts: AbortController[] = [];
    const open = async () => {
      const controller = new AbortController();
      aborts.push(controller);
      return fetch(`${harness.app.url}/missions/${visibleId}/events`, { headers: { cookie }, signal: controller.signal });
    };
    const streams = await Promise.all(Array.from({ length: 10 }, open));
    expect(streams.map((response) => response.status)).toEqual(Array(10).fill(200));
    const refused = await open();
    expect(refused.status).toBe(429);
    expect(harness.app.liveStreams()).toBe(10);
    for (const controller of aborts) controller.abort();
    await vi.waitFor(() => expect(harness.app.liveStreams()).toBe(0), { timeout: 10_000, interval: 20 });

    const live = await open();
    const reader = live.body!.getReader();
    await fetch(`${harness.app.url}/missions/logout`, { method: "POST", headers: { cookie }, redirect: "manual" });
    await harness.app.store.appendEvent({ missionId: visibleId, kind: "note", at: new Date().toISOString(), data: {} });
    let text = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
    // Only what was sent before the sign-out: the stream ended instead of the next update.
    expect(text).not.toContain("note");
    await vi.waitFor(() => expect(harness.app.liveStreams()).toBe(0), { timeout: 10_000, interval: 20 });
  });

  it("keeps a GitHub session's token in the store only sealed: neither its row nor the database file holds it", async () => {
    harness.github.authorizeAs("bob");
    const { cookie } = await signInWithGitHub();
    expect(cookie).toBeDefined();
    const database = new DatabaseSync(join(harness.dataDir, "missions.db"), { readOnly: true });
    try {
      const rows = database.prepare("SELECT value FROM shared_state WHERE kind = 'session'").all() as Array<{ value: string }>;
      const sessions = rows.map((row) => JSON.parse(row.value) as { viewer?: { login?: string }; sealedToken?: string });
      const bobs = sessions.filter((session) => session.viewer?.login === "bob");
      expect(bobs.length).toBeGreaterThan(0);
      for (const session of bobs) {
        expect(session.sealedToken).toMatch(/^[\w-]{40,}$/);
        // Not an encoding of the token either: decoded, no GitHub user token is in it.
        expect(Buffer.from(session.sealedToken!, "base64url").toString("latin1")).not.toMatch(/gh[uop]_/);
      }
      // Nowhere in the store: no row of any table holds a user token (nor does the cookie's digest-keyed row hold the cookie).
      for (const { name } of database.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>) {
        const dump = JSON.stringify(database.prepare(`SELECT * FROM "${name}"`).all(), (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString("latin1") : value));
        expect(dump, name).not.toMatch(/ghu_[A-Za-z0-9]{8,}/);
        expect(dump, name).not.toContain(cookie!.split("=")[1]!);
      }
    } finally {
      database.close();
    }
    // The sealed token still works for the cookie that holds its key: bob sees the missions he can read.
    expect(await (await get("/missions", { cookie: cookie! })).text()).toContain(`/missions/${visibleId}`);
  });

  // Last: it uses up this address's sign-ins for the hour.
  it("lets one address begin only so many GitHub sign-ins an hour, so nobody can fill the store with them", async () => {
    const states = async () => {
      const database = new DatabaseSync(join(harness.dataDir, "missions.db"), { readOnly: true });
      try {
        return (database.prepare("SELECT COUNT(*) AS count FROM shared_state WHERE kind = 'oauth-state'").get() as { count: number }).count;
      } finally {
        database.close();
      }
    };
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await get("/missions/auth/github")).status);
    // Earlier tests began some from this address: all begun are counted, the rest refused.
    expect(statuses).toContain(302);
    const refusedFrom = statuses.indexOf(429);
    expect(refusedFrom).toBeGreaterThan(0);
    expect(statuses.slice(refusedFrom).every((status) => status === 429)).toBe(true);
    const before = await states();
    const refused = await get("/missions/auth/github");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("3600");
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect(await refused.text()).toContain("Too many GitHub sign-ins");
    // A refused one keeps nothing: the store holds no more states than before it.
    expect(await states()).toBe(before);
    // Signed-in people are not affected: the operator's token still opens the list.
    expect((await get("/missions", { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });
});
