import type { IncomingMessage, ServerResponse } from "node:http";
import { html } from "../control/dashboard/html.ts";
import { sendStartupPage } from "./startup-page.ts";

export interface LandingPageOptions {
  /** The label that starts a mission. */
  label: string;
  /** The app's installation page on GitHub, when GitHub says where it is. */
  installUrl: () => Promise<string | undefined>;
  /** GitHub's web address: its app settings are the fallback link. */
  githubWebUrl: string;
}

/**
 * `/` once the app runs: that it runs, and what to do next. Public, so it says nothing about
 * installations or missions: those are the dashboard's, behind its sign-in.
 */
export function landingPage(options: LandingPageOptions): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  // Asked of GitHub once; a failure is asked again at the next visit.
  let known: Promise<string | undefined> | undefined;
  return async (request, response) => {
    if (request.method !== "GET" || new URL(request.url ?? "/", "http://localhost").pathname !== "/") return false;
    known ??= options.installUrl().catch(() => undefined);
    const installUrl = await known;
    if (!installUrl) known = undefined;
    const install = installUrl
      ? html`<a href="${installUrl}">Install the app</a> on the repositories it may work on.`
      : html`Install the app on the repositories it may work on, from its page in <a href="${`${options.githubWebUrl}/settings/apps`}">your GitHub App settings</a> (<i>Install App</i>).`;
    sendStartupPage(response, 200, {
      title: "Running",
      body: html`<h1>Missions is running</h1>
<p>It listens for GitHub's webhooks. Next:</p>
<ol>
<li>${install}</li>
<li>Open an issue that describes the work and label it <code>${options.label}</code>. The app answers on the issue with questions or a validation contract to approve.</li>
<li>Follow the missions on the dashboard at <a href="/missions">/missions</a> (sign in with the operator's token or with GitHub).</li>
</ol>
<p class="muted">Machines: <code>/health</code>.</p>`,
    });
    return true;
  };
}
