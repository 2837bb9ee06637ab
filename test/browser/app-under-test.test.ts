import { spawn } from "node:child_process";
import { mkdtemp, rm, readdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AppStartError, AppUnderTest } from "../../src/browser/index.ts";
import { GREETER_FILES } from "../fixtures/greeter/index.ts";
import { freePort } from "../helpers/free-port.ts";

const CHROMIUM = "/usr/bin/chromium";
let root: string;
let checkout: string;
let secretDir: string;
let elsewhere: Server;
let elsewherePort: number;
// Where the app under test listens: unconfined, that is a port of this host, which another program
// (a running Missions, say, on its default 3000) may hold already.
let appPort: number;
const elsewhereHits: string[] = [];
// A process group that is not the session's: a hostile app must not get the host to kill it.
let bystander: ReturnType<typeof spawn>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "missions-aut-"));
  checkout = join(root, "checkout");
  secretDir = join(root, "secrets");
  await import("node:fs/promises").then(async ({ mkdir }) => {
    await mkdir(checkout);
    await mkdir(secretDir);
  });
  for (const [name, text] of Object.entries(GREETER_FILES)) await writeFile(join(checkout, name), text);
  await writeFile(join(secretDir, "key.pem"), "TOP-SECRET-KEY");
  elsewhere = createServer((request, response) => {
    elsewhereHits.push(request.url ?? "");
    response.end("leaked");
  });
  elsewhere.on("upgrade", (request, socket) => {
    elsewhereHits.push(request.url ?? "");
    socket.destroy();
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
  elsewherePort = (elsewhere.address() as { port: number }).port;
  appPort = await freePort();
  bystander = spawn("sleep", ["600"], { detached: true, stdio: "ignore" });
});

afterAll(async () => {
  elsewhere.close();
  bystander.kill("SIGKILL");
  await rm(root, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function options(app: { start: string; url?: string; ready?: string; timeoutSeconds?: number }, sandbox = true) {
  return {
    cwd: checkout,
    app: { url: `http://localhost:${appPort}`, timeoutSeconds: 20, ...app },
    sandbox: sandbox ? { hidden: [secretDir], denyWrite: [] } : undefined,
    scratchRoot: join(root, "scratch"),
    evidenceDir: join(root, "evidence"),
    toolPath: "/usr/local/bin:/usr/bin:/bin",
    chromiumPath: CHROMIUM,
  };
}

describe.each([
  ["in the sandbox", true],
  ["unconfined", false],
])("the app under test, %s", (_label, sandbox) => {
  let session: AppUnderTest;
  beforeAll(async () => {
    // A hostile start command: reads a hidden secret, and tries to choose what the host kills.
    const hostile = `cat ${join(secretDir, "key.pem")} || echo no-secret; echo ${bystander.pid} > "$HOME/pid"; echo ${bystander.pid} > "$HOME/../control/pid" || echo control-is-read-only`;
    session = await AppUnderTest.start(options({ start: `${sandbox ? hostile + "; " : ""}export PORT=${appPort}; exec node server.js`, ready: "/health" }, sandbox));
  }, 90_000);
  afterAll(async () => {
    await session?.stop();
  });

  it("drives the form in a real browser and reads the result", async () => {
    const first = await session.navigate("/");
    expect(first).toContain("HTTP 200");
    expect(first).toMatch(/textbox "Name"/);
    await session.fill("label=Name", "Ada");
    const after = await session.click('role=button[name="Greet"]');
    expect(after).toContain("/greet");
    expect(after).toContain("Hello Ada");
    expect(await session.screenshot()).toContain("screenshot-01.png");
    expect(await readdir(join(root, "evidence"))).toContain("screenshot-01.png");
  });

  it("answers HTTP requests made from where the app runs", async () => {
    const reply = await session.request("GET", "/health", {});
    expect(reply).toMatch(/^HTTP 200/);
    expect(reply).toContain("ok");
  });

  it("refuses anything but the app, whatever the page asks for", async () => {
    await expect(session.navigate("http://example.com/")).rejects.toThrow(/only the app/);
    await expect(session.request("GET", `http://127.0.0.1:${elsewherePort}/`, {})).rejects.toThrow(/only the app/);
    const beacon = await session.navigate(`/beacon?to=${encodeURIComponent(`http://127.0.0.1:${elsewherePort}`)}`);
    expect(beacon).toContain("sent");
    await session.snapshot();
    expect(elsewhereHits).toEqual([]);
  });

  it("keeps the app's output", async () => {
    const logs = await session.logs();
    expect(logs).toContain(`greeter listening on ${appPort}`);
    if (sandbox) {
      expect(logs).not.toContain("TOP-SECRET-KEY");
      expect(logs).toContain("no-secret");
      expect(logs).toContain("control-is-read-only");
    }
  });

  it("stops the app, the browser and the sandbox together, and nothing else", async () => {
    const group = await session.processGroup();
    expect(group).toBeGreaterThan(1);
    expect(alive(-group!)).toBe(true);
    await session.stop();
    // Killed at once; the launcher may linger a moment as a zombie until it is reaped.
    await vi.waitFor(() => expect(alive(-group!)).toBe(false), { timeout: 10_000, interval: 50 });
    expect(alive(bystander.pid!)).toBe(true);
  });
});

describe("an app that does not start", () => {
  it("says it exited, with its output", async () => {
    const error = await AppUnderTest.start(options({ start: "echo booting; exit 3" })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppStartError);
    expect((error as Error).message).toMatch(/exited before it was ready \(exit code 3\)/);
    expect((error as Error).message).toContain("booting");
  }, 60_000);

  it("reads its log and status as nothing when the app swapped them for links to host files", async () => {
    // The sandbox hides the secret from the app, but the host reads the app's home: a link planted
    // there must not make the host read the secret into the failure message (and so into a check run).
    const plant = `ln -sfn ${join(secretDir, "key.pem")} "$HOME/app.log.new" && mv -T "$HOME/app.log.new" "$HOME/app.log"; ln -sfn ${join(secretDir, "key.pem")} "$HOME/status"; exit 4`;
    const error = await AppUnderTest.start(options({ start: plant })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppStartError);
    expect((error as Error).message).not.toContain("TOP-SECRET-KEY");
  }, 60_000);

  it("reads its log as nothing when the app made it a pipe, and does not wait on it", async () => {
    // Opened by name, a pipe waits for a writer that never comes: the validation would hang.
    const plant = `rm -f "$HOME/app.log"; mkfifo "$HOME/app.log"; exit 4`;
    const error = await AppUnderTest.start(options({ start: plant })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppStartError);
  }, 60_000);

  it("says it never answered", async () => {
    const error = await AppUnderTest.start(options({ start: "sleep 30", timeoutSeconds: 1 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppStartError);
    expect((error as Error).message).toContain(`did not answer at http://localhost:${appPort} within 1s`);
  }, 60_000);
});
