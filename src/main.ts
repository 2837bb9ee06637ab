import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { getPrivateKey } from "@probot/get-private-key";
import { readOperatorConfig, unquotePrivateKey, type OperatorConfig } from "./config/index.ts";
import { createLogger, startMissions } from "./server.ts";
import { startNeedsConfiguration, startSetup } from "./startup/index.ts";
import { StoreLockedError } from "./store/index.ts";

// The one place that reads the environment. `.env` holds what the setup flow registered; the
// Docker image keeps it on the data volume (MISSIONS_ENV_FILE=/data/.env).
const envFile = resolve(process.env.MISSIONS_ENV_FILE || ".env");
if (existsSync(envFile)) process.loadEnvFile(envFile);

const config = ((): OperatorConfig => {
  try {
    // `docker run --env-file` keeps the quotes the setup flow writes around the key.
    const env = { ...process.env, PRIVATE_KEY: unquotePrivateKey(process.env.PRIVATE_KEY) };
    const privateKey = getPrivateKey({ env })?.toString() ?? undefined;
    return readOperatorConfig({ ...env, PRIVATE_KEY: privateKey }, { appDirectory: process.cwd(), envFile });
  } catch (error) {
    // A configuration mistake is the operator's to fix: the message, not a stack trace.
    console.error((error as Error).message);
    process.exit(1);
  }
})();
const log = createLogger(config);

let stop: () => Promise<void>;
if (!config.appId || !config.privateKey) {
  // No credentials yet: the setup flow registers the app from app.yml and writes them to .env.
  const manifestFile = fileURLToPath(new URL("../app.yml", import.meta.url));
  ({ stop } = await startSetup(config, { log, manifestFile }));
} else if (config.modelProblems.length > 0) {
  // Registered, but missions could not call their models: a page says which variable to set.
  ({ stop } = await startNeedsConfiguration(config, { log }));
} else {
  const missions = await startMissions(config, { log }).catch((error: unknown) => {
    // The operator's setup, said plainly without a stack trace: the next move is in the message.
    if (error instanceof StoreLockedError || (error as { operatorFacing?: unknown }).operatorFacing === true) console.error(error instanceof Error ? error.message : String(error));
    else if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") console.error(`Port ${config.port} is in use by another program: stop it, or set PORT to a free port.`);
    else throw error;
    process.exit(1);
  });
  stop = () => missions.stop();
}
const shutdown = async (signal: string) => {
  log.info({ signal }, "stopping: the step in flight will re-run on the next start");
  await stop();
  process.exit(0);
};
process.once("SIGINT", () => void shutdown("SIGINT"));
process.once("SIGTERM", () => void shutdown("SIGTERM"));
