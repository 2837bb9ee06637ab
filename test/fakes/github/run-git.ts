import { spawn } from "node:child_process";
import { gitEnv } from "./git-env.ts";

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface RunGitOptions {
  gitDir: string;
  input?: string | Buffer;
  env?: Record<string, string>;
  // Lookups ask git questions whose answer may be "no" (exit 1); they check `code` themselves.
  allowFailure?: boolean;
}

export function runGit(args: string[], options: RunGitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", [`--git-dir=${options.gitDir}`, ...args], {
      env: gitEnv(options.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on("error", () => {}); // git may exit before reading its input; the exit code tells
    child.on("error", reject);
    child.on("close", (code) => {
      const result = { code: code ?? 1, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString("utf8") };
      if (result.code !== 0 && !options.allowFailure) {
        reject(new Error(`git ${args.join(" ")} failed (${result.code}): ${result.stderr.trim()}`));
      } else {
        resolve(result);
      }
    });
    child.stdin.end(options.input ?? "");
  });
}
