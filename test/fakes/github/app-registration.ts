import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FakeState } from "./fake-state.ts";
import { appJson } from "./github-json.ts";
import { notFound } from "./http-error.ts";
import type { Router } from "./router.ts";

/** A manifest GitHub received from the register button, and what became of it. */
export interface Registration {
  manifest: Record<string, unknown>;
  /** `/organizations/<org>` when the form was posted there. */
  organization?: string;
  code: string;
  converted: boolean;
}

export interface RegistrationCredentials {
  privateKey: string;
  webhookSecret: string;
  oauthClient: { clientId: string; clientSecret: string };
}

// GitHub's manifest flow: the register form posted to /settings/apps/new (as if the person then
// clicked "Create GitHub App") redirects to the manifest's redirect_url with a one-use code, which
// POST /app-manifests/:code/conversions exchanges for the app's credentials — the fake's own app.
export class FakeAppRegistration {
  readonly registrations: Registration[] = [];
  readonly #state: FakeState;
  readonly #credentials: RegistrationCredentials;

  constructor(state: FakeState, credentials: RegistrationCredentials) {
    this.#state = state;
    this.#credentials = credentials;
  }

  /** The web form; true when the request was one. */
  async handleForm(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const match = /^(?:\/organizations\/([^/]+))?\/settings\/apps\/new$/.exec(url.pathname);
    if (!match || req.method !== "POST") return false;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    let manifest: Record<string, unknown>;
    try {
      manifest = JSON.parse(form.get("manifest") ?? "") as Record<string, unknown>;
    } catch {
      res.writeHead(422, { "content-type": "text/plain" }).end("Invalid GitHub App configuration: the manifest is not JSON");
      return true;
    }
    const hook = manifest.hook_attributes as { url?: unknown } | undefined;
    if (typeof manifest.redirect_url !== "string" || typeof hook?.url !== "string" || !URL.canParse(hook.url)) {
      res.writeHead(422, { "content-type": "text/plain" }).end("Invalid GitHub App configuration: redirect_url and hook_attributes.url are required");
      return true;
    }
    const code = randomBytes(10).toString("hex");
    this.registrations.push({ manifest, organization: match[1], code, converted: false });
    const back = new URL(manifest.redirect_url);
    back.searchParams.set("code", code);
    // As GitHub does: the state the form was posted with comes back beside the code.
    const state = url.searchParams.get("state");
    if (state) back.searchParams.set("state", state);
    res.writeHead(302, { location: back.toString() }).end();
    return true;
  }

  addRoutes(router: Router): void {
    router.add("POST", "/app-manifests/:code/conversions", "public", ({ params }) => {
      const registration = this.registrations.find((candidate) => candidate.code === params.code && !candidate.converted);
      if (!registration) throw notFound();
      registration.converted = true;
      return {
        status: 201,
        body: {
          ...appJson(this.#state),
          client_id: this.#credentials.oauthClient.clientId,
          client_secret: this.#credentials.oauthClient.clientSecret,
          webhook_secret: this.#credentials.webhookSecret,
          pem: this.#credentials.privateKey,
        },
      };
    });
  }
}
