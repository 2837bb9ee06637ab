import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppUnderTest } from "../../src/browser/index.ts";
import { commandPath, prepareScratchRoot, removeScratchRoot, SandboxedRunner, SOCKET_DIRECTORIES, trustEnvironment } from "../../src/workspace/index.ts";

/**
 * The real sandbox, started the way the app starts it from its own directory (`npm start`, or the
 * Docker image's /app): that directory — with the sandbox library's own files in its node_modules —
 * and the home directory are hidden, and so is the data directory (the image's /data: `.env`
 * written by the setup flow, the store, the checkouts), and commands still run.
 */
describe("the sandbox started from the project's own directory", () => {
  const project = process.cwd();
  let work: string;
  let data: string;
  let checkout: string;
  let runner: SandboxedRunner;
  let path: string;
  let ca: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "sandbox-runner-"));
    data = join(work, "data");
    checkout = join(data, "workspaces", "m1");
    mkdirSync(checkout, { recursive: true });
    writeFileSync(join(data, ".env"), "WEBHOOK_SECRET=ENV-FILE-SECRET\n");
    writeFileSync(join(data, "missions.db"), "SQLite format 3 STORE-SECRET");
    // A company CA, and a server certificate it signed, as a TLS-intercepting proxy would present.
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: work, stdio: "pipe" });
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Corp Test CA");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", join(checkout, "server.key"), "-out", "server.csr", "-subj", "/CN=localhost");
    writeFileSync(join(work, "san.ext"), "subjectAltName=DNS:localhost\n");
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", join(checkout, "server.pem"), "-days", "2", "-extfile", "san.ext");
    ca = join(work, "ca.pem");
    const scratchRoot = prepareScratchRoot(join(data, "missions.db"));
    const trust = trustEnvironment({ caFile: ca, npmRegistry: "https://npm.corp.example/" }, join(scratchRoot, "trust"));
    // As server.ts builds it: the checkouts, the store's directory, the scratch root, the env file, the app's directory, HOME.
    const hidden = [join(data, "workspaces"), data, scratchRoot, join(data, ".env"), project, homedir()];
    const npmStartPath = `${join(project, "node_modules", ".bin")}:/usr/local/bin:/usr/bin:/bin`;
    const resolved = commandPath(npmStartPath, hidden, process.execPath);
    path = resolved.path;
    runner = new SandboxedRunner({ allowedDomains: ["example.com", ...trust.hosts], hidden, readable: [...resolved.readable, ...trust.readable], scratchRoot, environment: trust.environment });
  });
  afterAll(async () => {
    await SandboxedRunner.stop();
    removeScratchRoot(runner.scratchRoot);
    rmSync(work, { recursive: true, force: true });
  });

  const run = (command: string, env: Record<string, string> = {}) => runner.run(command, { cwd: checkout, timeoutMs: 30_000, env: { PATH: path, ...env } });

  it("starts, and keeps the app's files out of sight but for its Node", async () => {
    await runner.ready();
    const result = await run(`node --version; cat ${join(project, "package.json")}; ls ${join(project, "src")}; echo exit=$?`);
    expect(result.output).toContain(process.version);
    expect(result.output).not.toContain('"name": "missions"');
    expect(result.output).toMatch(/exit=[1-9]/);
  });

  it("runs in the Docker image's layout too (Node from the system), and the data directory's .env and store stay unreadable", async () => {
    const result = await runner.run(`echo ran > ran.txt && cat ran.txt; cat ${join(data, ".env")} ${join(data, "missions.db")} ../../.env; ls ${data}`, { cwd: checkout, timeoutMs: 30_000, env: { PATH: "/usr/local/bin:/usr/bin:/bin" } });
    expect(result.output).toMatch(/^ran\n/);
    for (const secret of ["ENV-FILE-SECRET", "STORE-SECRET"]) expect(result.output).not.toContain(secret);
    expect(result.output).not.toMatch(/^missions\.db$/m);
  });

  it("says when the sandbox refused a failed command: a write outside the checkout, a host off the allowlist", async () => {
    const write = await run("touch /usr/planted");
    expect(write.output.trimEnd().split("\n").at(-1)).toMatch(/^\[sandbox\] a write outside the checkout was refused/);
    const network = await run("curl -sS -m 10 https://not-allowed.example/ -o /dev/null");
    expect(network.exitCode).not.toBe(0);
    expect(network.output.trimEnd().split("\n").at(-1)).toMatch(/^\[sandbox\] the network was refused: commands reach only the allowed hosts \(example\.com, npm\.corp\.example\)/);
    expect((await run("true")).output).toBe("");
  });

  it("gives installs the operator's CA bundle and registry mirror, and nothing of the operator's own npm configuration", async () => {
    // An HTTPS server inside the sandbox with a certificate the operator's CA signed: Node and curl trust it.
    const server = "node -e \"require('https').createServer({key:require('fs').readFileSync('server.key'),cert:require('fs').readFileSync('server.pem')},(q,r)=>r.end('trusted')).listen(8443)\" & sleep 1";
    const trusted = await run(`${server}; node -e "fetch('https://localhost:8443').then(r=>r.text()).then(console.log,e=>console.log('node',e.cause?.code))"; curl -sS https://localhost:8443; echo; npm config get registry; kill %1`);
    expect(trusted.output).toMatch(/^trusted\ntrusted\nhttps:\/\/npm\.corp\.example\/\n/m);
    // Without it, the same server is refused: the test proves the setting, not a lenient client.
    const refused = await run(`${server}; env -u NODE_EXTRA_CA_CERTS node -e "fetch('https://localhost:8443').then(r=>r.text()).then(console.log,e=>console.log('node',e.cause?.code))"; kill %1`);
    expect(refused.output).toMatch(/node (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    expect(readFileSync(ca, "utf8")).toContain("BEGIN CERTIFICATE");
  });
});

describe("a command the sandbox stopped says so at the end of its output", () => {
  it("names writes outside the checkout, refused hosts and refused system calls", async () => {
    const { sandboxHint } = await import("../../src/workspace/sandbox-hint.ts");
    expect(sandboxHint("touch: cannot touch '/usr/x': Read-only file system", [])).toMatch(/write outside the checkout/);
    expect(sandboxHint("npm error 403 Forbidden - blocked-by-allowlist", ["registry.example"])).toMatch(/allowed hosts \(registry\.example\).*MISSIONS_NETWORK_ALLOW/);
    expect(sandboxHint("Error: getaddrinfo ENOTFOUND api.example", ["registry.example"])).toMatch(/no DNS of their own.*proxy.*\(registry\.example\)/);
    expect(sandboxHint("cp: cannot open 'x': Operation not permitted", [])).toBeUndefined();
    expect(sandboxHint("unshare: unshare failed: Operation not permitted", [])).toMatch(/system call was refused/);
    expect(sandboxHint("1 failing test", [])).toBeUndefined();
  });
});

describe("the host's Unix sockets outside the hidden directories", () => {
  let work: string;
  let daemon: Server;
  let runner: SandboxedRunner;
  let checkout: string;
  let socketPath: string;

  beforeAll(async () => {
    // A daemon's socket where no hidden directory covers it (as a database's under /var/lib would be):
    // the first writable place outside the directories every sandbox hides (the checkout may be under /tmp).
    // A socket's path holds at most 107 bytes: a checkout in a long path cannot have one under it.
    const fits = (candidate: string) => Buffer.byteLength(join(candidate, "missions-sockets-XXXXXX", "daemon.sock")) < 100;
    const base = [join(process.cwd(), "test-artifacts"), "/var/lib", "/srv", "/opt", homedir()].find(
      (candidate) => fits(candidate) && !SOCKET_DIRECTORIES.some((hidden) => candidate === hidden || candidate.startsWith(`${hidden}/`)) && writable(candidate),
    );
    if (!base) throw new Error("no writable directory outside /tmp, /var/tmp and /run, in a path short enough for a socket, for the test's socket");
    work = mkdtempSync(join(base, "missions-sockets-"));
    socketPath = join(work, "daemon.sock");
    writeFileSync(join(work, "notes.txt"), "readable\n");
    daemon = createServer((connection) => connection.end("HOST-DAEMON")).listen(socketPath);
    await new Promise((resolve) => daemon.once("listening", resolve));
    const scratchRoot = prepareScratchRoot(join(work, "missions.db"));
    checkout = join(tmpdir(), `sockets-checkout-${process.pid}`);
    mkdirSync(checkout, { recursive: true });
    runner = new SandboxedRunner({ allowedDomains: [], hidden: [scratchRoot], scratchRoot });
  });
  afterAll(async () => {
    await SandboxedRunner.stop();
    if (runner) removeScratchRoot(runner.scratchRoot);
    daemon?.close();
    if (work) rmSync(work, { recursive: true, force: true });
    if (checkout) rmSync(checkout, { recursive: true, force: true });
  });

  it("are out of reach, while the directory around them and the command's own sockets are not", async () => {
    const connect = (path: string) => `node -e "require('net').connect('${path}').on('data',d=>console.log(String(d))).on('error',e=>console.log(e.code))"`;
    const result = await runner.run(`${connect(socketPath)}; cat ${join(work, "notes.txt")}`, { cwd: checkout, timeoutMs: 30_000, env: { PATH: "/usr/local/bin:/usr/bin:/bin" } });
    expect(result.output).not.toContain("HOST-DAEMON");
    expect(result.output).toMatch(/^(ENOENT|ECONNREFUSED|ENOTSOCK|EACCES)\nreadable\n$/);
  });

  it("are out of reach of the app under test too, which shares the commands' confinement", async () => {
    // The repository's app tries the host's socket as it starts, and says what it got in its log.
    writeFileSync(join(checkout, "server.js"), `require("net").connect(${JSON.stringify(socketPath)}).on("data", (d) => console.log("got " + d)).on("error", (e) => console.log("socket " + e.code));
require("http").createServer((q, r) => r.end("ok")).listen(4321, "127.0.0.1");
`);
    const session = await AppUnderTest.start({
      cwd: checkout,
      app: { start: "node server.js", url: "http://localhost:4321", timeoutSeconds: 20 },
      sandbox: await runner.confinement([checkout]),
      scratchRoot: runner.scratchRoot,
      evidenceDir: join(work, "evidence"),
      toolPath: "/usr/local/bin:/usr/bin:/bin",
      chromiumPath: "/usr/bin/chromium",
    });
    try {
      const deadline = Date.now() + 10_000;
      while (!/socket |got /.test(await session.logs()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const logs = await session.logs();
      expect(logs).not.toContain("HOST-DAEMON");
      expect(logs).toMatch(/socket (ENOENT|ECONNREFUSED|ENOTSOCK|EACCES)/);
    } finally {
      await session.stop();
    }
  });
});

function writable(directory: string): boolean {
  try {
    mkdirSync(directory, { recursive: true });
    rmSync(mkdtempSync(join(directory, "missions-probe-")), { recursive: true });
    return true;
  } catch {
    return false;
  }
}
