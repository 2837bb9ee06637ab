import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { OperatorConfig } from "../config/index.ts";
import { NeedsConfigurationApp } from "./needs-configuration-app.ts";
import { SetupApp } from "./setup-app.ts";

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** The app while it cannot run missions yet: its pages and `/health`, nothing else. */
export interface StartupServer {
  url: string;
  stop(): Promise<void>;
}

export interface SetupStartOptions {
  log: Logger;
  /** `app.yml`, from the app's own directory. */
  manifestFile: string;
  /** The relay service's address for new channels (tests). */
  newChannelUrl?: string;
}

const DEFAULT_WEBHOOK_PATH = "/api/github/webhooks";

/** No credentials yet: the setup flow that registers the app on GitHub and writes `.env`. */
export async function startSetup(config: OperatorConfig, options: SetupStartOptions): Promise<StartupServer> {
  const setup = new SetupApp({
    manifestFile: options.manifestFile,
    envFile: config.envFile,
    githubWebUrl: config.githubWebUrl,
    githubApiUrl: config.githubApiUrl,
    githubOrganization: config.githubOrganization,
    webhookPath: config.webhookPath ?? DEFAULT_WEBHOOK_PATH,
    publicUrl: config.publicUrl,
    webhookProxyUrl: config.webhookProxyUrl,
    createWebhookChannel: config.createWebhookChannel,
    newChannelUrl: options.newChannelUrl,
    modelProblems: config.modelProblems,
    log: options.log,
  });
  const server = await listen(config, setup.handle, options.log);
  options.log.info(`setup: no GitHub App credentials yet. Open ${server.url} to register the app on GitHub; its credentials go to ${config.envFile}.`);
  return server;
}

/** Credentials, but models that cannot work: a page naming the variables to set. */
export async function startNeedsConfiguration(config: OperatorConfig, options: { log: Logger }): Promise<StartupServer> {
  const app = new NeedsConfigurationApp({ problems: config.modelProblems, envFile: config.envFile, webhookPath: config.webhookPath ?? DEFAULT_WEBHOOK_PATH });
  const server = await listen(config, app.handle, options.log);
  for (const problem of config.modelProblems) options.log.error(problem.message);
  options.log.error(`Missions cannot run missions until this is fixed in ${config.envFile} (or the environment); then restart it (npm start). Webhooks are refused meanwhile. Details: ${server.url}/`);
  return server;
}

async function listen(config: OperatorConfig, handler: Handler, log: Logger): Promise<StartupServer> {
  const server = createServer((request, response) => {
    handler(request, response).then(
      (handled) => {
        if (!handled) response.writeHead(404, { "content-type": "text/plain" }).end("Not found. The app's page is at /.");
      },
      (error: unknown) => {
        log.error({ err: error, path: request.url }, "request failed");
        if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" }).end("Something went wrong; the error is in the app's log.");
        else response.end();
      },
    );
  });
  const host = config.host ?? "localhost";
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`Port ${config.port} is already in use: set PORT to another port.`, { cause: error }) : error),
    );
    server.listen({ port: config.port, host }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
