import { spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";

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
  const half = Math.floor((options.maxOutputBytes ?? 200_000) / 2);
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", command], { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let head = "";
    let tail = "";
    let dropped = 0;
    const collect = (text: string) => {
      if (head.length < half) {
        const room = half - head.length;
        head += text.slice(0, room);
        text = text.slice(room);
      }
      tail += text;
      if (tail.length > half) {
        dropped += tail.length - half;
        tail = tail.slice(-half);
      }
    };
    // One decoder per stream, so a multi-byte character split across chunks stays whole.
    for (const stream of [child.stdout, child.stderr]) {
      const decoder = new StringDecoder("utf8");
      stream.on("data", (chunk: Buffer) => collect(decoder.write(chunk)));
      stream.on("end", () => collect(decoder.end()));
    }
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
    if (options.signal?.aborted) kill();
    else options.signal?.addEventListener("abort", kill, { once: true });
    const finish = (exitCode: number) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", kill);
      kill(); // leftovers of the group, if the command left any behind
      const output = dropped > 0 ? `${head}\n[… ${dropped} characters cut …]\n${tail}` : head + tail;
      resolve({ command, exitCode, output, timedOut, durationMs: Date.now() - started });
    };
    child.on("error", (error) => {
      collect(String(error.message));
      finish(127);
    });
    child.on("close", (code, signal) => finish(code ?? (signal ? 128 + 9 : 1)));
  });
}
