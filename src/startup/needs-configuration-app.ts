import { envFileLabel } from "./env-file.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import { html, trusted } from "../control/dashboard/html.ts";
import type { ConfigProblem } from "../config/index.ts";
import { RESTART_STEP } from "./render-setup-pages.ts";
import { sendJson, sendStartupPage } from "./startup-page.ts";

export interface NeedsConfigurationOptions {
  problems: ConfigProblem[];
  envFile: string;
  webhookPath: string;
}

/**
 * The app registered but unable to run missions (no model provider, a role's model naming a
 * provider nobody configured…): `/` says exactly which variable to set, `/health` answers 503 so a
 * monitor sees it, and webhooks are refused with 503 so GitHub lists them as failed deliveries, to
 * be redelivered once the app runs — accepting and dropping them would lose those events silently.
 */
export class NeedsConfigurationApp {
  readonly #options: NeedsConfigurationOptions;

  constructor(options: NeedsConfigurationOptions) {
    this.#options = options;
  }

  handle = async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const variables = [...new Set(this.#options.problems.flatMap((problem) => problem.variables))];
    if (request.method === "POST" && path === this.#options.webhookPath) {
      sendJson(response, 503, { error: `Missions needs configuration (${variables.join(", ")}): see the app's page at /.` });
      return true;
    }
    if (request.method !== "GET") return false;
    if (path === "/health") {
      sendJson(response, 503, { status: "needs-configuration", variables });
      return true;
    }
    if (path !== "/") return false;
    sendStartupPage(response, 200, {
      title: "Needs configuration",
      body: html`<h1>Missions needs configuration</h1>
<p>The app is registered on GitHub and running, but it cannot run missions yet:</p>
${this.#options.problems.map((problem) => html`<p class="problem">${problem.message}</p>
`)}
<p>Make the change in <code>${envFileLabel(this.#options.envFile)}</code> (or in the app's environment). ${trusted(RESTART_STEP)}</p>
<p class="muted">Until then GitHub's webhooks are refused (503), and show as failed deliveries in the app's settings on GitHub (Advanced → Recent Deliveries), where they can be redelivered. Through a relay channel (WEBHOOK_PROXY_URL) GitHub sees them delivered: redeliver the ones you need from the same page once the app runs.</p>`,
    });
    return true;
  };
}
