import { tmpdir } from "node:os";

/**
 * The environment of a repository command: nothing of the app's own (no private key, no provider
 * keys, no tokens, no store path) — only what a build needs to find its tools.
 */
export function safeEnvironment(directory: string, toolPath: string): Record<string, string> {
  return {
    PATH: toolPath,
    HOME: directory,
    TMPDIR: tmpdir(),
    LANG: "C.UTF-8",
    CI: "true",
    TERM: "dumb",
    NO_COLOR: "1",
  };
}
