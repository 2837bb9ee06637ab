import { existsSync } from "node:fs";
import { getPrivateKey } from "@probot/get-private-key";
import { run } from "probot";
import { readOperatorConfig } from "./config/index.ts";
import { startMissions } from "./server.ts";
import { StoreLockedError } from "./store/index.ts";

// The one place that reads the environment. `.env` holds what the setup flow registered.
if (existsSync(".env")) process.loadEnvFile(".env");

const privateKey = (() => {
  try {
    return getPrivateKey({ env: process.env })?.toString() ?? undefined;
  } catch (error) {
    console.error(`Could not read the private key: ${(error as Error).message}`);
    process.exit(1);
  }
})();
const config = readOperatorConfig({ ...process.env, PRIVATE_KEY: privateKey }, { appDirectory: process.cwd() });

if (!config.appId || !config.privateKey) {
  // No credentials yet: Probot's setup flow registers the app from app.yml and writes .env.
  await run(() => {});
} else {
  const missions = await startMissions(config).catch((error: unknown) => {
    if (!(error instanceof StoreLockedError)) throw error;
    // Said plainly, without a stack trace: the operator's next move is in the message.
    console.error(error.message);
    process.exit(1);
  });
  const shutdown = async (signal: string) => {
    missions.log.info({ signal }, "stopping: the step in flight will re-run on the next start");
    await missions.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}
