/**
 * The app's composition root as `src/main.ts` runs it, with the timings the e2e harness uses (no
 * pacing of writes to the local fake GitHub, short retry delays), so a chaos run spends its time on
 * crashes and recoveries rather than on GitHub's write pacing. Everything else — configuration from
 * the environment, the store, the webhook server, resuming on boot — is the production code path.
 */
import { readOperatorConfig } from "../../../src/config/index.ts";
import { startMissions } from "../../../src/server.ts";

const config = readOperatorConfig(process.env, { appDirectory: process.cwd() });
const missions = await startMissions(config, { paceGitHub: false, retryDelayMs: 20, maxStepRetries: 5, githubRetryBaseMs: 5, modelRetryBaseMs: 5 });
process.once("SIGTERM", () => {
  void missions.stop().then(() => process.exit(0));
});
