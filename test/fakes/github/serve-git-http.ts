import { spawn, type ChildProcess } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gitEnv } from "./git-env.ts";

export interface GitHttpRequest {
  req: IncomingMessage;
  res: ServerResponse;
  projectRoot: string;
  pathInfo: string; // "/owner/repo.git/info/refs"
  query: string; // without "?"
  remoteUser: string;
  /** More environment for the backend and the repository's hooks. */
  env?: Record<string, string>;
}

// Bridges one HTTP request to `git http-backend` as a CGI script: the request body goes to its
// stdin untouched (git itself undoes gzip, told by HTTP_CONTENT_ENCODING), its CGI headers become
// the HTTP status and headers, and the rest of its stdout is streamed back as the body.
export function serveGitHttp(request: GitHttpRequest): Promise<void> {
  const { req, res } = request;
  const header = (name: string): string => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(", ") : (value ?? "");
  };
  const env = gitEnv({
    GIT_PROJECT_ROOT: request.projectRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: request.pathInfo,
    REQUEST_METHOD: req.method ?? "GET",
    QUERY_STRING: request.query,
    CONTENT_TYPE: header("content-type"),
    REMOTE_USER: request.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    HTTP_CONTENT_ENCODING: header("content-encoding"),
    GIT_PROTOCOL: header("git-protocol"),
    ...request.env,
  });
  const length = header("content-length");
  if (length) env.CONTENT_LENGTH = length;

  return new Promise((resolve) => {
    // Its own process group: `git http-backend` runs git-http-backend as a child, and both must go.
    const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    live.add(child);
    // A client cut off mid-push (a test killed the app) leaves the backend waiting for input it will
    // never get — and git 2.39 spins on it forever. Whatever the request did not finish is killed.
    const abandon = () => killGroup(child);
    req.on("aborted", abandon);
    res.on("close", () => {
      if (!res.writableFinished) abandon();
    });
    // Gone already (while a test's hook held the request): nothing will ever feed or read it.
    if (req.socket.destroyed || res.destroyed) abandon();
    let stderr = "";
    let head: Buffer = Buffer.alloc(0);
    let headersDone = false;

    const fail = (message: string): void => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`git http-backend failed: ${message}\n`);
      } else {
        res.destroy();
      }
    };

    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.stdin.on("error", () => {}); // the backend may answer (e.g. 404) without reading the body
    child.on("error", (error) => {
      fail(error.message);
      resolve();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const parsed = splitCgiHead(head);
      if (!parsed) return;
      headersDone = true;
      res.writeHead(parsed.status, parsed.headers);
      if (parsed.body.length > 0) res.write(parsed.body);
    });
    child.on("close", (code) => {
      live.delete(child);
      if (!headersDone) fail(`exit ${code}: ${stderr.trim()}`);
      else res.end();
      resolve();
    });
    req.pipe(child.stdin);
  });
}

const live = new Set<ChildProcess>();
// The test process ending (or being killed by its runner) takes every backend it started with it.
process.once("exit", () => {
  for (const child of live) killGroup(child);
});

function killGroup(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

interface CgiHead {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function splitCgiHead(buffer: Buffer): CgiHead | undefined {
  const crlf = buffer.indexOf("\r\n\r\n");
  const lf = buffer.indexOf("\n\n");
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? { at: crlf, size: 4 } : lf >= 0 ? { at: lf, size: 2 } : undefined;
  if (!end) return undefined;
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of buffer.subarray(0, end.at).toString("latin1").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers, body: buffer.subarray(end.at + end.size) };
}
