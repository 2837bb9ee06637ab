import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppStartError, AppUnderTest } from "../../src/browser/index.ts";
import { GREETER_FILES } from "../fixtures/greeter/index.ts";

const CHROMIUM = "/usr/bin/chromium";
let root: string;
let checkout: string;
let secretDir: string;

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
});

function options(app: { start: string; url?: string; ready?: string; timeoutSeconds?: number }, sandbox = true) {
  return {
    cwd: checkout,
    app: { url: "http://localhost:3000", timeoutSeconds: 20, ...app },
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
    session = await AppUnderTest.start(options({ start: "cat " + join(secretDir, "key.pem") + " || echo no-secret; exec node server.js", ready: "/health" }, sandbox));
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

  it("refuses anything but the app", async () => {
    await expect(session.navigate("http://example.com/")).rejects.toThrow(/only the app/);
  });

  it("keeps the app's output", async () => {
    const logs = await session.logs();
    expect(logs).toContain("greeter listening on 3000");
    if (sandbox) expect(logs).not.toContain("TOP-SECRET-KEY");
  });

  it("stops the app with the browser", async () => {
    await session.stop();
    const { execFileSync } = await import("node:child_process");
    const running = (() => {
      try {
        return execFileSync("pgrep", ["-f", "node server.js"], { encoding: "utf8" });
      } catch {
        return "";
      }
    })();
    expect(running).toBe("");
  });
});

describe("an app that does not start", () => {
  it("says it exited, with its output", async () => {
    const error = await AppUnderTest.start(options({ start: "echo booting; exit 3" })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppStartError);
    expect((error as Error).message).toMatch(/exited before it was ready \(exit code 3\)/);
    expect((error as Error).message).toContain("booting");
  }, 60_000);

  it("says it never answered", async () => {
    const error = await AppUnderTest.start(options({ start: "sleep 30", timeoutSeconds: 1 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppStartError);
    expect((error as Error).message).toMatch(/did not answer at http:\/\/localhost:3000 within 1s/);
  }, 60_000);
});
