import { escapeHtml } from "../control/index.ts";
import type { StartupPage } from "./startup-page.ts";

export interface SetupPageInput {
  createAppUrl: string;
  manifest: Record<string, unknown>;
  webhookUrl: string;
  envFile: string;
}

export interface Registration {
  /** The app's page on GitHub. */
  htmlUrl: string;
  envFile: string;
}

const LOCAL_HOST = /^(localhost|127(?:\.\d+){3}|\[::1?\]|0\.0\.0\.0)$/i;

/** The register button: a form posting the manifest to GitHub, as Probot's setup page does. */
export function renderSetupPage(input: SetupPageInput): StartupPage {
  const local = LOCAL_HOST.test(new URL(input.webhookUrl).hostname);
  const warning = local
    ? `<p class="problem">GitHub does not deliver webhooks to ${escapeHtml(new URL(input.webhookUrl).host)}. Set <code>WEBHOOK_PROXY_URL</code> (a relay channel, e.g. from <a href="https://smee.io/new">smee.io/new</a>) or <code>MISSIONS_PUBLIC_URL</code> (an address GitHub can reach) in <code>${escapeHtml(input.envFile)}</code>, restart the app, and register then.</p>`
    : "";
  return {
    title: "Register the app",
    body: `<h1>Register Missions on GitHub</h1>
<p>Missions runs as a GitHub App. The button below asks GitHub to create it from <code>app.yml</code> (its name, permissions and events); you can rename it on GitHub before you confirm. GitHub then hands its credentials to this page, which writes them to <code>${escapeHtml(input.envFile)}</code>.</p>
<p>GitHub will send webhooks to <code>${escapeHtml(input.webhookUrl)}</code>.</p>
${warning}
<form action="${escapeHtml(input.createAppUrl)}" method="post">
<input type="hidden" name="manifest" value="${escapeHtml(JSON.stringify(input.manifest))}">
<button type="submit">Register GitHub App</button>
</form>
<p class="muted">Already registered the app? Set <code>APP_ID</code>, <code>PRIVATE_KEY</code> (or <code>PRIVATE_KEY_PATH</code>) and <code>WEBHOOK_SECRET</code> in <code>${escapeHtml(input.envFile)}</code> and restart.</p>`,
  };
}

/** After registration: the credentials are written; what is left before the first mission. */
export function renderRegisteredPage(registration: Registration, steps: string[]): StartupPage {
  return {
    title: "Registered",
    body: `<h1>Missions is registered on GitHub</h1>
<p>Its credentials are in <code>${escapeHtml(registration.envFile)}</code>. Next:</p>
<ol>
${steps.map((step) => `<li>${step}</li>`).join("\n")}
<li><a href="${escapeHtml(`${registration.htmlUrl}/installations/new`)}">Install the app on a repository</a>, open an issue there and label it <code>mission</code>.</li>
</ol>`,
  };
}

/** The steps between registration and a running app, as HTML: fix what is missing, restart. */
export function nextSteps(problems: string[]): string[] {
  const fixes = problems.map((problem) => `<li>${escapeHtml(problem)}</li>`).join("");
  return [
    ...(problems.length > 0 ? [`Configure a model provider in the same file:<ul>${fixes}</ul>For example <code>ANTHROPIC_API_KEY=sk-ant-…</code>.`] : []),
    RESTART_STEP,
  ];
}

/** How the operator restarts the app, as HTML. */
export const RESTART_STEP = "Restart the app: stop it and run <code>npm start</code> again (or restart its container).";
