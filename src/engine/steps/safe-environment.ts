/**
 * The environment of a repository command: nothing of the app's own (no private key, no provider
 * keys, no tokens, no store path) — only what a build needs to find its tools.
 */
export function safeEnvironment(toolPath: string): Record<string, string> {
  // HOME and TMPDIR are each command's own, made by the runner outside the checkout.
  return {
    PATH: toolPath,
    LANG: "C.UTF-8",
    CI: "true",
    TERM: "dumb",
    NO_COLOR: "1",
  };
}
