import { spawn } from "node:child_process";

export interface CommandResult {
  command: string;
  exitCode: number;
  /** Interleaved stdout and stderr, capped: the head and the tail are kept. */
  output: string;
  timedOut: boolean;
  durationMs: number;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  /** The whole environment of the child: nothing is inherited, so no secret leaks by accident. */
  env: Record<string, string>;
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

/**
 * Runs a shell command in its own process group, killed as a whole at the timeout — a command's
 * children (servers, watchers, fork bombs) go with it.
 */
export function runCommand(command: string, options: RunOptions): Promise<CommandResult> {
  const started = Date.now();
  const cap = options.maxOutputBytes ?? 200_000;
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", command], { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let head = "";
    let tail = "";
    let dropped = 0;
    const collect = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      if (head.length < cap / 2) {
        head += text;
        return;
      }
      tail += text;
      if (tail.length > cap / 2) {
        dropped += tail.length - cap / 2;
        tail = tail.slice(-cap / 2);
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    let timedOut = false;
    const kill = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    options.signal?.addEventListener("abort", kill, { once: true });
    const finish = (exitCode: number) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", kill);
      kill(); // leftovers of the group, if the command left any behind
      const output = dropped > 0 ? `${head}\n[… ${dropped} characters cut …]\n${tail}` : head + tail;
      resolve({ command, exitCode, output, timedOut, durationMs: Date.now() - started });
    };
    child.on("error", (error) => {
      collect(Buffer.from(String(error.message)));
      finish(127);
    });
    child.on("close", (code, signal) => finish(code ?? (signal ? 128 + 9 : 1)));
  });
}
