import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { ProbotOctokit } from "probot";
import type { ConfigProblem } from "../config/index.ts";
import { appManifest, readAppYml, webhookUrl, type ManifestAddresses } from "./app-manifest.ts";
import { envFileLabel, updateEnvFile } from "./env-file.ts";
import { nextSteps, renderRegisteredPage, renderSetupPage, type Registration } from "./render-setup-pages.ts";
import { sendJson, sendStartupPage } from "./startup-page.ts";
import { createWebhookChannel } from "./webhook-channel.ts";

export interface SetupAppOptions {
  /** `app.yml`: the manifest's name, description, permissions and events. */
  manifestFile: string;
  /** Where the credentials are written (and read at the next start). */
  envFile: string;
  githubWebUrl: string;
  githubApiUrl: string;
  /** Register under this organisation (`GH_ORG`) rather than the operator's own account. */
  githubOrganization?: string;
  webhookPath: string;
  publicUrl?: string;
  webhookProxyUrl?: string;
  /** Create a relay channel when GitHub would have no way to reach this process. */
  createWebhookChannel: boolean;
  /** The relay service's address for new channels (tests). */
  newChannelUrl?: string;
  /** What will still stop missions after registration (a missing provider key): said on the last page. */
  modelProblems: ConfigProblem[];
  log: Logger;
}

/**
 * The first run without credentials, as Probot's setup app: `/` leads to a page whose button
 * registers the app on GitHub from `app.yml`; GitHub returns with a code that is exchanged for the
 * app's credentials, written to `.env`. Unlike Probot's, the webhook URL is one GitHub can post to
 * (the relay, or the app's webhook path), and the last page says what is left to do.
 */
export class SetupApp {
  readonly #options: SetupAppOptions;
  #proxyUrl: string | undefined;
  #channel: Promise<string | undefined> | undefined;
  #registered: Registration | undefined;
  /**
   * Sent to GitHub with the manifest and checked when GitHub comes back: only a registration started
   * on this page is accepted — a page elsewhere cannot make this app take another app's credentials
   * (`<img src="http://localhost:3000/probot/setup?code=…">`).
   */
  readonly #state = randomBytes(24).toString("hex");

  constructor(options: SetupAppOptions) {
    this.#options = options;
    this.#proxyUrl = options.webhookProxyUrl;
  }

  /** A request handler: true when the request was the setup flow's. */
  handle = async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method === "POST" && url.pathname === this.#options.webhookPath) {
      sendJson(response, 503, { error: "Missions is not registered yet: no webhook can be verified until the setup flow has written its credentials and the app has restarted." });
      return true;
    }
    if (request.method !== "GET") return false;
    switch (url.pathname) {
      case "/health":
        // Waiting for the operator is healthy: a container must not be restarted before it is registered.
        sendJson(response, 200, { status: "setup" });
        return true;
      case "/":
        response.writeHead(302, { location: "/probot", "content-type": "text/plain" }).end("Found. Redirecting to /probot");
        return true;
      case "/probot":
        await this.#setupPage(request, response);
        return true;
      case "/probot/setup":
        await this.#convert(response, url.searchParams.get("code"), url.searchParams.get("state"));
        return true;
      default:
        return false;
    }
  };

  async #setupPage(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.#registered) return sendStartupPage(response, 200, renderRegisteredPage(this.#registered, this.#next()));
    const proxyUrl = await this.#relay();
    const addresses: ManifestAddresses = { baseUrl: baseUrlOf(request), publicUrl: this.#options.publicUrl, webhookProxyUrl: proxyUrl, webhookPath: this.#options.webhookPath };
    const manifest = appManifest(await readAppYml(this.#options.manifestFile), addresses);
    const organization = this.#options.githubOrganization ? `/organizations/${encodeURIComponent(this.#options.githubOrganization)}` : "";
    const page = renderSetupPage({
      createAppUrl: `${this.#options.githubWebUrl}${organization}/settings/apps/new?state=${this.#state}`,
      manifest,
      webhookUrl: webhookUrl(addresses),
      envFile: envFileLabel(this.#options.envFile),
    });
    sendStartupPage(response, 200, { ...page, formAction: this.#options.githubWebUrl });
  }

  async #convert(response: ServerResponse, code: string | null, state: string | null): Promise<void> {
    if (!code) {
      response.writeHead(400, { "content-type": "text/plain" }).end("code missing or invalid");
      return;
    }
    // Once registered, the credentials stay: a second code (a replay, another app's) is not exchanged.
    if (this.#registered) return sendStartupPage(response, 409, renderRegisteredPage(this.#registered, this.#next()));
    if (!state || !sameSecret(state, this.#state)) {
      this.#options.log.warn("a registration code arrived without this setup page's state: refused");
      return sendStartupPage(response, 403, {
        title: "Registration refused",
        body: `<h1>This registration did not start here</h1><p>Missions accepts the app's credentials only from a registration started on its own setup page (the app may have restarted since). <a href="/probot">Register from the setup page</a>.</p>`,
      });
    }
    const log = this.#options.log;
    const octokit = new ProbotOctokit({
      baseUrl: this.#options.githubApiUrl,
      log: { debug: () => {}, info: () => {}, warn: (message: string) => log.warn(message), error: (message: string) => log.error(message) },
    });
    let app: { id: number; slug?: string; html_url: string; pem: string; webhook_secret: string | null; client_id: string; client_secret: string };
    try {
      ({ data: app } = await octokit.request("POST /app-manifests/{code}/conversions", { code }));
    } catch (error) {
      log.error({ err: error }, "GitHub did not exchange the registration code for the app's credentials");
      return sendStartupPage(response, 502, {
        title: "Registration failed",
        body: `<h1>GitHub did not hand over the app's credentials</h1><p>A registration code works once, within an hour. <a href="/probot">Register again</a>; the reason is in the app's log.</p>`,
      });
    }
    await updateEnvFile(this.#options.envFile, {
      APP_ID: String(app.id),
      PRIVATE_KEY: app.pem,
      WEBHOOK_SECRET: app.webhook_secret ?? "",
      GITHUB_CLIENT_ID: app.client_id,
      GITHUB_CLIENT_SECRET: app.client_secret,
    });
    this.#registered = { htmlUrl: app.html_url, envFile: envFileLabel(this.#options.envFile) };
    log.info({ app: app.slug ?? app.id, envFile: this.#options.envFile }, "registered on GitHub; credentials written");
    for (const step of this.#next()) log.info(`next: ${step.replace(/<[^>]+>/g, "")}`);
    sendStartupPage(response, 200, renderRegisteredPage(this.#registered, this.#next()));
  }

  /** What is left after registration, as HTML list items. */
  #next(): string[] {
    return nextSteps(this.#options.modelProblems.map((problem) => problem.message));
  }

  /** The relay channel: the configured one, or one created for the first setup page and kept in `.env`. */
  async #relay(): Promise<string | undefined> {
    if (this.#proxyUrl || !this.#options.createWebhookChannel) return this.#proxyUrl;
    this.#channel ??= createWebhookChannel({ newChannelUrl: this.#options.newChannelUrl }).then(
      async (url) => {
        await updateEnvFile(this.#options.envFile, { WEBHOOK_PROXY_URL: url });
        this.#options.log.info({ url }, "created a webhook relay channel (WEBHOOK_PROXY_URL) for local development");
        this.#proxyUrl = url;
        return url;
      },
      (error: unknown) => {
        // Tried again at the next page load; meanwhile the page says GitHub cannot reach a local address.
        this.#channel = undefined;
        // An expected outage (no route to the relay service): one line, no stack.
        this.#options.log.warn({ reason: describeError(error) }, "could not create a webhook relay channel; set WEBHOOK_PROXY_URL or MISSIONS_PUBLIC_URL");
        return undefined;
      },
    );
    return this.#channel;
  }
}

/** Where the operator reached this page, as Probot works it out (behind a proxy too). */
function baseUrlOf(request: IncomingMessage): string {
  const forwardedProto = request.headers["x-forwarded-proto"];
  const encrypted = (request.socket as { encrypted?: boolean }).encrypted;
  const protocol = typeof forwardedProto === "string" ? forwardedProto.split(",")[0]!.trim() : encrypted ? "https" : "http";
  const forwardedHost = request.headers["x-forwarded-host"];
  const host = typeof forwardedHost === "string" ? forwardedHost.split(",")[0]!.trim() : request.headers.host;
  return `${protocol}://${host}`;
}

/** An error and its causes on one line ("fetch failed: getaddrinfo ENOTFOUND smee.io"). */
function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error && parts.length < 4; current = current.cause) parts.push(current.message);
  return parts.join(": ") || String(error);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
