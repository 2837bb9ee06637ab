import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort } from "../../helpers/free-port.ts";

/** `src/main.ts`, the entry point `npm start` runs. */
export const MAIN_ENTRY = fileURLToPath(new URL("../../../src/main.ts", import.meta.url));

export interface MainProcess {
  url: string;
  /** Everything the app printed so far. */
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * `node src/main.ts` as an operator starts it: its own working directory, only the environment
 * given (plus PORT and HOST), ready once `/health` answers at all — 200 or 503 — or failed if the
 * process exits first.
 */
export async function startMain(options: { cwd: string; env: Record<string, string>; logFile: string }): Promise<MainProcess> {
  const port = await freePort();
  const log = openSync(options.logFile, "a");
  const child: ChildProcess = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN_ENTRY], {
    cwd: options.cwd,
    env: { ...options.env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", log, log],
    detached: true,
  });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const output = () => readFileSync(options.logFile, "utf8");
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
    await exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the app exited while starting (code ${child.exitCode}):\n${output()}`);
    const answered = await fetch(`${url}/health`).then(() => true, () => false);
    if (answered) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the app did not answer /health within 30 s:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, output, exited, stop };
}
