/**
 * The baseline for `webhook_p99_ratio`: a bare Probot app on Probot's own server, with the same
 * logging as the app (pino at LOG_LEVEL, JSON), a handler that does nothing, and a /health route.
 * Run as a child process with APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, PORT and HOST set.
 */
import { pino } from "pino";
import { Probot, Server } from "probot";

const log = pino({ level: process.env.LOG_LEVEL ?? "info" });
const server = new Server({
  Probot: Probot.defaults({ appId: process.env.APP_ID, privateKey: process.env.PRIVATE_KEY, secret: process.env.WEBHOOK_SECRET, log }),
  port: Number(process.env.PORT),
  host: process.env.HOST,
  log,
});
await server.load((app, { addHandler }) => {
  app.on(["issues.labeled", "issue_comment.created", "issue_comment.edited", "pull_request_review.submitted", "check_run.rerequested"], async () => {});
  addHandler((request, response) => {
    if (request.url !== "/health") return false;
    response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    return true;
  });
});
await server.start();
process.once("SIGTERM", () => void server.stop().then(() => process.exit(0)));
