import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FakeState } from "./fake-state.ts";

interface PendingCode {
  login: string;
  redirectUri: string;
  expiresAt: number;
}

const CODE_TTL_MS = 10 * 60 * 1000;

// GitHub's OAuth web flow for the app's client (the one the manifest flow creates): the consent page
// answers at once as the person `state.oauthUser` (set by a test), as if they had clicked
// "Authorize"; codes are one-use and bound to their redirect_uri; tokens are `ghu_…` user tokens.
export class FakeOAuth {
  readonly clientId = `Iv23li${randomBytes(5).toString("hex")}`;
  readonly clientSecret = randomBytes(20).toString("hex");
  /** Who authorizes when a browser reaches the consent page; undefined: the person declines. */
  person: string | undefined;
  readonly #codes = new Map<string, PendingCode>();
  readonly #state: FakeState;

  constructor(state: FakeState) {
    this.#state = state;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === "/login/oauth/authorize" && req.method === "GET") return this.#authorize(res, url.searchParams);
    if (url.pathname === "/login/oauth/access_token" && req.method === "POST") return this.#token(req, res);
    res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
  }

  #authorize(res: ServerResponse, query: URLSearchParams): void {
    const redirectUri = query.get("redirect_uri");
    if (query.get("client_id") !== this.clientId || !redirectUri) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
      return;
    }
    const back = new URL(redirectUri);
    const state = query.get("state");
    if (state !== null) back.searchParams.set("state", state);
    if (!this.person) {
      back.searchParams.set("error", "access_denied");
    } else {
      const code = randomBytes(10).toString("hex");
      this.#codes.set(code, { login: this.person, redirectUri, expiresAt: Date.now() + CODE_TTL_MS });
      back.searchParams.set("code", code);
    }
    res.writeHead(302, { location: back.toString() }).end();
  }

  async #token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const fields: Record<string, string> = (req.headers["content-type"] ?? "").includes("json")
      ? (JSON.parse(text || "{}") as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(text));
    const answer = (body: Record<string, string>) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (fields.client_id !== this.clientId || fields.client_secret !== this.clientSecret) {
      return void answer({ error: "incorrect_client_credentials", error_description: "The client_id and/or client_secret passed are incorrect." });
    }
    const pending = this.#codes.get(fields.code ?? "");
    this.#codes.delete(fields.code ?? "");
    if (!pending || pending.expiresAt < Date.now() || (fields.redirect_uri && fields.redirect_uri !== pending.redirectUri)) {
      return void answer({ error: "bad_verification_code", error_description: "The code passed is incorrect or expired." });
    }
    answer({ access_token: this.#state.issueUserToken(pending.login), token_type: "bearer", scope: "" });
  }
}
