import { fork, type ChildProcess } from "node:child_process";
import { constants } from "node:fs";
import { access, chmod, mkdir, mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { shellQuote } from "../workspace/command-scratch.ts";
import { SandboxUnavailableError } from "../workspace/sandboxed-runner.ts";
import { explainStartFailure } from "../workspace/sandbox-failure.ts";
import { launchScript } from "./launch-script.ts";

export interface AppSettings {
  start: string;
  url: string;
  ready?: string;
  timeoutSeconds: number;
}

export interface AppUnderTestOptions {
  /** The checkout the app is started in. */
  cwd: string;
  app: AppSettings;
  /** Confinement: the paths the app and the browser may never read. Without it, both run unconfined. */
  sandbox?: { hidden: string[]; readable?: string[]; denyWrite: string[] };
  /** Where the session's private directory is made (removed at stop). */
  scratchRoot: string;
  /** Where screenshots are kept as evidence. */
  evidenceDir: string;
  /** PATH for the start command. */
  toolPath: string;
  chromiumPath: string;
}

/** Flags the browser needs on a server: no GPU, no background traffic, no component downloads. */
export const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage", "--no-first-run"];

const ACTION_TIMEOUT_MS = 5_000;
const NAVIGATION_TIMEOUT_MS = 20_000;
const MAX_TEXT = 20_000;

/**
 * The host's browser cannot be driven: the operator must act, no repair of the code can help. The
 * message says why, with the advice for that cause (installing Chromium only when there is none).
 */
export class BrowserUnavailableError extends Error {
  override name = "BrowserUnavailableError";
  readonly isRetryable = false;
  readonly hostFault = true;
  constructor(path: string, failure?: string) {
    super(failure ? describeBrowserFailure(path, failure) : `The user-testing validator needs Chromium, and there is none at ${path} on the app's host. Install it (Debian or Ubuntu: \`apt-get install chromium\`) or point MISSIONS_CHROMIUM at a Chromium or Chrome binary, then comment \`/mission resume\`.`);
  }
}

/** A browser that is there and still fails: what its error says, and the advice for that. */
export function describeBrowserFailure(path: string, failure: string): string {
  const resume = "then comment `/mission resume`.";
  if (/socket path|too long|ENAMETOOLONG|SingletonSocket/i.test(failure)) {
    return `The user-testing validator's browser could not create its socket: the path is too long for a Unix socket (${failure}). Set TMPDIR to a short directory (such as /tmp) for the app, restart it, ${resume}`;
  }
  if (/socket\(\) failed|Operation not permitted|EPERM/i.test(failure)) {
    return `The user-testing validator's browser was refused a system call in the sandbox (${failure}). Run the app with LOG_LEVEL=debug and report the output; MISSIONS_SANDBOX=off works around it (not recommended), ${resume}`;
  }
  if (/ENOENT|no such file|cannot execute|error while loading shared libraries/i.test(failure)) {
    return `The user-testing validator's browser at ${path} cannot run on the app's host (${failure}). Reinstall it (Debian or Ubuntu: \`apt-get install --reinstall chromium\`) or point MISSIONS_CHROMIUM at a working Chromium or Chrome, ${resume}`;
  }
  return `The user-testing validator's browser at ${path} does not start on the app's host (${failure}). Check that \`${path} --headless --no-sandbox --disable-gpu --dump-dom about:blank\` prints a page as the app's user, fix what it reports, ${resume}`;
}

/** The app could not be started or did not answer in time; the message says which, with its log. */
export class AppStartError extends Error {
  override name = "AppStartError";
}

/**
 * The repository's app, started from its `app:` settings, and a headless Chromium driving it — in
 * one sandbox, so the browser reaches the app on the sandbox's loopback and nothing else. Every
 * method returns text for the user-testing agent; `stop` always ends both.
 */
export class AppUnderTest {
  readonly url: string;
  readonly #context: BrowserContext;
  readonly #scratch: string;
  readonly #evidenceDir: string;
  readonly #origins: Set<string>;
  readonly #wrapper?: ChildProcess;
  #page: Page;
  #screenshots = 0;
  #stopped = false;

  private constructor(url: string, context: BrowserContext, page: Page, scratch: string, evidenceDir: string, wrapper?: ChildProcess) {
    this.url = url;
    this.#context = context;
    this.#page = page;
    this.#scratch = scratch;
    this.#evidenceDir = evidenceDir;
    this.#wrapper = wrapper;
    const origin = new URL(url);
    this.#origins = new Set([origin.origin, ...["localhost", "127.0.0.1"].map((host) => `${origin.protocol}//${host}:${origin.port}`)]);
  }

  static async start(options: AppUnderTestOptions): Promise<AppUnderTest> {
    await checkBrowser(options.chromiumPath);
    await mkdir(options.scratchRoot, { recursive: true, mode: 0o700 });
    // `control` is written by the app's side only (launcher, pid, browser arguments): the sandbox may
    // read it, never write it, so the app cannot choose what the host kills or how Chromium starts.
    // `home` is the app's and the browser's: HOME, TMPDIR, the profile, the app's log.
    const base = await mkdtemp(join(options.scratchRoot, "app-"));
    const control = join(base, "control");
    const home = join(base, "home");
    await mkdir(control, { mode: 0o700 });
    await mkdir(home, { mode: 0o700 });
    const url = new URL(options.app.url);
    const readyUrl = options.app.ready ? new URL(options.app.ready, url) : url;
    const inner = launchScript({ cwd: options.cwd, home, control, start: options.app.start, readyUrl, timeoutSeconds: options.app.timeoutSeconds, chromiumPath: options.chromiumPath });
    let wrapper: ChildProcess | undefined;
    try {
      let command = `bash -c ${shellQuote(inner)}`;
      if (options.sandbox) {
        // Beside this module: TypeScript in a clone, the built JavaScript in an installed package.
        wrapper = fork(fileURLToPath(new URL(`./sandbox-wrap-process.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url)), [], { stdio: ["ignore", "ignore", "inherit", "ipc"], env: { PATH: process.env.PATH ?? "" }, execArgv: [] });
        command = await wrapInSandbox(wrapper, {
          hidden: options.sandbox.hidden,
          readable: [options.cwd, home, control, ...(options.sandbox.readable ?? [])],
          writable: [options.cwd, home],
          denyWrite: [join(options.cwd, ".git"), control, ...options.sandbox.denyWrite],
          command,
        });
      }
      const launcher = join(control, "launch.sh");
      await writeFile(launcher, `#!/bin/bash\necho $$ > ${shellQuote(join(control, "pid"))}\nprintf '%s\\n' "$@" > ${shellQuote(join(control, "chromium-args"))}\nexec ${command}\n`);
      await chmod(launcher, 0o700);
      // Loaded on first use: the browser library alone would add some 70 MB to every idle app.
      const { chromium } = await import("playwright-core");
      const context = await chromium
        .launchPersistentContext(join(home, "profile"), {
          executablePath: launcher,
          headless: true,
          args: CHROMIUM_FLAGS,
          env: { PATH: options.toolPath, HOME: home, TMPDIR: home, LANG: "C.UTF-8" },
          timeout: (options.app.timeoutSeconds + 60) * 1000,
          viewport: { width: 1280, height: 800 },
          serviceWorkers: "block",
          handleSIGINT: false,
          handleSIGTERM: false,
          handleSIGHUP: false,
        })
        .catch(async (error: unknown) => {
          const status = (await readOwnFile(join(home, "status"))).trim();
          // The app answered and the browser still failed: the host's browser is broken, not the code.
          if (status === "ready") throw new BrowserUnavailableError(options.chromiumPath, firstLine(error));
          throw new AppStartError(await describeFailure(home, options.app, error));
        });
      const session = new AppUnderTest(url.href, context, context.pages()[0] ?? (await context.newPage()), base, options.evidenceDir, wrapper);
      await session.#confine();
      return session;
    } catch (error) {
      await killGroup(control);
      await endWrapper(wrapper);
      await rm(base, { recursive: true, force: true }).catch(() => {});
      throw error;
    }
  }

  /** Requests anywhere but the app are refused, whatever the page asks for. */
  async #confine(): Promise<void> {
    this.#context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    this.#context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    await this.#context.route("**/*", (route) => {
      const target = new URL(route.request().url());
      return this.#origins.has(target.origin) ? route.continue() : route.abort("blockedbyclient");
    });
    await this.#context.routeWebSocket(
      () => true,
      (socket) => {
        const target = new URL(socket.url());
        if (this.#origins.has(`${target.protocol === "wss:" ? "https:" : "http:"}//${target.host}`)) socket.connectToServer();
        else void socket.close({ code: 1008, reason: "only the app can be reached" });
      },
    );
    this.#context.on("page", (page) => {
      this.#page = page;
    });
  }

  #resolve(target: string): string {
    const url = new URL(target, this.url);
    if (!this.#origins.has(url.origin)) throw new Error(`only the app at ${new URL(this.url).origin} can be visited, not ${url.origin}`);
    return url.href;
  }

  async navigate(target: string): Promise<string> {
    const response = await this.#page.goto(this.#resolve(target), { waitUntil: "load" });
    return `${response ? `HTTP ${response.status()}` : "navigated"} — ${await this.#where()}\n\n${await this.snapshot()}`;
  }

  async click(selector: string): Promise<string> {
    await this.#locate(selector).click();
    await this.#settle();
    return `Clicked. ${await this.#where()}\n\n${await this.snapshot()}`;
  }

  async fill(selector: string, value: string): Promise<string> {
    await this.#locate(selector).fill(value);
    return `Filled ${selector}.`;
  }

  async press(key: string, selector?: string): Promise<string> {
    if (selector) await this.#locate(selector).press(key);
    else await this.#page.keyboard.press(key);
    await this.#settle();
    return `Pressed ${key}. ${await this.#where()}\n\n${await this.snapshot()}`;
  }

  /** The page as its accessibility tree: roles, names, values and text — what a person perceives. */
  async snapshot(): Promise<string> {
    const tree = await this.#page.locator("body").ariaSnapshot({ timeout: ACTION_TIMEOUT_MS });
    return cap(`Accessibility snapshot of ${this.#page.url()}:\n${tree}`);
  }

  async screenshot(): Promise<string> {
    await mkdir(this.#evidenceDir, { recursive: true });
    const name = `screenshot-${String(++this.#screenshots).padStart(2, "0")}.png`;
    const image = await this.#page.screenshot({ path: join(this.#evidenceDir, name), fullPage: true });
    return `Saved ${name} (${image.length} bytes) of ${this.#page.url()} as evidence.`;
  }

  /** An HTTP request from the browser, so it reaches the app where the app runs; same-origin only. */
  async request(method: string, target: string, headers: Record<string, string>, body?: string): Promise<string> {
    const url = this.#resolve(target);
    if (new URL(this.#page.url()).origin !== new URL(url).origin) await this.#page.goto(new URL(url).origin, { waitUntil: "commit" });
    const result = await this.#page.evaluate(
      async ({ method, url, headers, body }) => {
        const response = await fetch(url, { method, headers, body, redirect: "manual" });
        return { status: response.status, headers: [...response.headers].map(([name, value]) => `${name}: ${value}`), text: await response.text() };
      },
      { method, url, headers, body },
    );
    return cap(`HTTP ${result.status}\n${result.headers.join("\n")}\n\n${result.text}`);
  }

  /** The tail of what the app printed. */
  async logs(): Promise<string> {
    return tail(await readOwnFile(join(this.#scratch, "home", "app.log")), 8_000) || "(the app printed nothing)";
  }

  /** The launcher's process group on the host: the app, the browser and the sandbox around them. */
  async processGroup(): Promise<number | undefined> {
    return readPid(join(this.#scratch, "control"));
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#context.close().catch(() => {});
    await killGroup(join(this.#scratch, "control"));
    await endWrapper(this.#wrapper);
    await rm(this.#scratch, { recursive: true, force: true }).catch(() => {});
  }

  #locate(selector: string): Locator {
    const [engine, rest] = [selector.slice(0, selector.indexOf("=")), selector.slice(selector.indexOf("=") + 1)];
    if (engine === "label") return this.#page.getByLabel(unquote(rest)).first();
    if (engine === "placeholder") return this.#page.getByPlaceholder(unquote(rest)).first();
    return this.#page.locator(selector).first();
  }

  async #settle(): Promise<void> {
    await this.#page.waitForLoadState("load", { timeout: NAVIGATION_TIMEOUT_MS }).catch(() => {});
  }

  async #where(): Promise<string> {
    return `Now at ${this.#page.url()} (title: ${JSON.stringify(await this.#page.title().catch(() => ""))}).`;
  }
}

/** Throws BrowserUnavailableError when there is no browser to run at `path`. */
export async function checkBrowser(path: string): Promise<void> {
  await access(path, constants.X_OK).catch(() => {
    throw new BrowserUnavailableError(path);
  });
}

function wrapInSandbox(child: ChildProcess, request: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    // A sandbox that cannot start is the host's problem, not the code's: the mission pauses for the operator.
    child.once("message", (reply: { wrapped?: string; error?: string }) => (reply.wrapped ? resolve(reply.wrapped) : reject(new SandboxUnavailableError(explainStartFailure(`the app under test's sandbox: ${reply.error}`)))));
    child.once("exit", (code) => reject(new SandboxUnavailableError(explainStartFailure(`the app under test's sandbox exited with ${code}`))));
    child.send(request);
  });
}

async function describeFailure(home: string, app: AppSettings, error: unknown): Promise<string> {
  const status = (await readOwnFile(join(home, "status"))).trim();
  const log = tail(await readOwnFile(join(home, "app.log")), 4_000);
  const why =
    status === "timeout"
      ? `did not answer at ${app.ready ?? app.url} within ${app.timeoutSeconds}s`
      : status.startsWith("exited")
        ? `exited before it was ready (${status.replace("exited", "exit code")})`
        : status === "ready"
          ? `started, but the browser did not: ${firstLine(error)}`
          : `could not be started: ${firstLine(error)}`;
  return `The app (\`${app.start}\`) ${why}.${log ? `\n\nIts output:\n${log}` : ""}`;
}

async function readPid(control: string): Promise<number | undefined> {
  const pid = Number((await readFile(join(control, "pid"), "utf8").catch(() => "")).trim());
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

/** Kills the launcher's process group: whatever the app or the browser left behind goes with it. */
async function killGroup(control: string): Promise<void> {
  const pid = await readPid(control);
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Lets the sandbox process stop its proxies (a killed one would leave them running), then makes sure. */
async function endWrapper(wrapper: ChildProcess | undefined): Promise<void> {
  if (!wrapper || wrapper.exitCode !== null || wrapper.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => wrapper.once("exit", () => resolve()));
  if (wrapper.connected) wrapper.disconnect();
  const timer = setTimeout(() => wrapper.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

function unquote(text: string): string {
  return text.replace(/^["']|["']$/g, "");
}

function tail(text: string, max: number): string {
  return text.length > max ? `[…]\n${text.slice(-max)}` : text;
}

function cap(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}\n[… cut at ${MAX_TEXT} characters …]` : text;
}

/**
 * A file in the app's home, which the sandboxed app can write: read only as a regular file, through
 * one descriptor that follows no link and never waits — a link the app planted to a host file (the
 * operator's `.env`, the store) or a pipe reads as nothing — and only its last 64 KiB.
 */
async function readOwnFile(path: string, maxBytes = 64 * 1024): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return "";
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return "";
    // Only the tail: the app writes its log without limit, the host reads a bounded part of it.
    const length = Math.min(stat.size, maxBytes);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, stat.size - length);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}
