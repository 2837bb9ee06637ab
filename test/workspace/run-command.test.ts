import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCommand } from "../../src/workspace/index.ts";

const PATH = process.env.PATH ?? "/usr/bin:/bin";
let cwd: string;
const leftovers: number[] = [];

beforeEach(async () => {
  cwd = await realpath(await mkdtemp(join(tmpdir(), "missions-run-")));
});

afterEach(async () => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone, as it should be
    }
  }
  await rm(cwd, { recursive: true, force: true });
});

function options(extra: { timeoutMs?: number; env?: Record<string, string>; maxOutputBytes?: number; signal?: AbortSignal } = {}) {
  return { cwd, timeoutMs: 30_000, env: { PATH }, ...extra };
}

/** True while the process exists and is not a zombie (an exited child its parent has not reaped yet). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Waits (generously: the machine is loaded) for a process to go; returns whether it went. */
async function gone(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (!isRunning(pid)) return true;
    await delay(50);
  }
  return false;
}

async function pidFrom(file: string): Promise<number> {
  const pid = Number((await readFile(join(cwd, file), "utf8")).trim());
  expect(pid).toBeGreaterThan(1);
  leftovers.push(pid);
  return pid;
}

describe("runCommand", () => {
  it("reports a successful command with exit code 0 and its output", async () => {
    const result = await runCommand("echo hello", options());
    expect(result).toMatchObject({ command: "echo hello", exitCode: 0, output: "hello\n", timedOut: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("reports the command's exit code", async () => {
    expect((await runCommand("exit 3", options())).exitCode).toBe(3);
    expect((await runCommand("false", options())).exitCode).toBe(1);
  });

  it("captures both stdout and stderr", async () => {
    const result = await runCommand("echo to-out; echo to-err >&2; exit 2", options());
    expect(result.exitCode).toBe(2);
    expect(result.output).toContain("to-out\n");
    expect(result.output).toContain("to-err\n");
  });

  it("runs in the given directory", async () => {
    const result = await runCommand("pwd; touch made-here", options());
    expect(result.output.trim()).toBe(cwd);
    expect(existsSync(join(cwd, "made-here"))).toBe(true);
  });

  it("caps long output, keeping the head and the tail with a 'characters cut' note", async () => {
    const result = await runCommand("for i in $(seq 1 20000); do echo \"line $i\"; done", options({ maxOutputBytes: 10_000 }));
    expect(result.exitCode).toBe(0);
    expect(result.output.startsWith("line 1\nline 2\n")).toBe(true);
    expect(result.output.endsWith("line 19999\nline 20000\n")).toBe(true);
    expect(result.output).not.toContain("\nline 10000\n");
    const note = result.output.match(/\n\[… (\d+) characters cut …\]\n/);
    expect(note).not.toBeNull();
    // Everything is accounted for: what is shown plus what was cut is the whole output.
    const full = Array.from({ length: 20_000 }, (_, index) => `line ${index + 1}\n`).join("");
    const shown = result.output.replace(note![0], "");
    expect(shown.length + Number(note![1])).toBe(full.length);
    expect(full.startsWith(shown.slice(0, 5_000))).toBe(true);
    expect(full.endsWith(shown.slice(-5_000))).toBe(true);
  });

  it("leaves output under the cap untouched", async () => {
    const result = await runCommand("seq 1 100", options({ maxOutputBytes: 10_000 }));
    expect(result.output).toBe(`${Array.from({ length: 100 }, (_, index) => index + 1).join("\n")}\n`);
    expect(result.output).not.toContain("characters cut");
  });

  // A pipe delivers up to 64 KiB at once; the cap must hold within a chunk too.
  it("never returns more than maxOutputBytes characters of output (plus the note)", async () => {
    // One 3,000-byte write: atomic on a pipe (under PIPE_BUF), so it arrives as one chunk.
    const result = await runCommand("printf 'a%.0s' $(seq 1 3000); printf 'z%.0s' $(seq 1 3000)", options({ maxOutputBytes: 1_000 }));
    const shown = result.output.replace(/\n\[… \d+ characters cut …\]\n/, "");
    expect(shown.length).toBeLessThanOrEqual(1_000);
  });

  it("gives the child exactly the environment it was passed, nothing inherited", async () => {
    process.env.MISSIONS_TEST_SECRET = "do-not-leak-this";
    try {
      const result = await runCommand("env", options({ env: { PATH, GREETING: "hello" } }));
      const names = result.output.split("\n").filter(Boolean).map((line) => line.slice(0, line.indexOf("=")));
      expect(result.output).toContain("GREETING=hello\n");
      expect(result.output).not.toContain("MISSIONS_TEST_SECRET");
      expect(result.output).not.toContain("do-not-leak-this");
      // bash itself adds PWD, SHLVL and `_`; nothing else may appear.
      expect(names.filter((name) => !["PATH", "GREETING", "PWD", "SHLVL", "_", "OLDPWD"].includes(name))).toEqual([]);
      expect(names).not.toContain("HOME");
    } finally {
      delete process.env.MISSIONS_TEST_SECRET;
    }
  });

  it("kills a command that runs past its timeout, together with its background children", async () => {
    const command = "sleep 1000 & echo $! > child.pid.partial && mv child.pid.partial child.pid; sleep 1000";
    const result = await runCommand(command, options({ timeoutMs: 1_000 }));
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
    const child = await pidFrom("child.pid");
    expect(await gone(child)).toBe(true);
  });

  it("kills a background child whose parent already exited (it keeps the pipe open)", async () => {
    const command = "(sleep 1000 & echo $! > child.pid.partial && mv child.pid.partial child.pid); echo parent done";
    const result = await runCommand(command, options({ timeoutMs: 1_000 }));
    expect(result.output).toContain("parent done");
    const child = await pidFrom("child.pid");
    expect(await gone(child)).toBe(true);
  });

  it("kills the command and its children when the signal aborts", async () => {
    const controller = new AbortController();
    const running = runCommand("sleep 1000 & echo $! > child.pid.partial && mv child.pid.partial child.pid; echo started; sleep 1000", options({ signal: controller.signal }));
    // Abort once the command has started its child.
    for (let attempt = 0; attempt < 600 && !existsSync(join(cwd, "child.pid")); attempt++) await delay(50);
    controller.abort();
    const result = await running;
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).not.toBe(0);
    const child = await pidFrom("child.pid");
    expect(await gone(child)).toBe(true);
  });

  // An AbortSignal that is already aborted never fires again: it must be checked at the start.
  it("kills a command at once when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runCommand("sleep 1 && touch ran", options({ signal: controller.signal, timeoutMs: 60_000 }));
    expect(existsSync(join(cwd, "ran"))).toBe(false);
    expect(result.exitCode).not.toBe(0);
  });

  it("gives a non-zero exit code and an explanation for a missing binary", async () => {
    const result = await runCommand("definitely-not-a-real-binary-xyz --version", options());
    expect(result.exitCode).toBe(127);
    expect(result.output).toMatch(/definitely-not-a-real-binary-xyz: command not found/);
    expect(result.timedOut).toBe(false);
  });

  it("reports a missing working directory as a failure, not a crash", async () => {
    const result = await runCommand("echo hi", { ...options(), cwd: join(cwd, "missing") });
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toMatch(/ENOENT/);
  });
});
