/**
 * A child process that confines the app under test and its browser. It exists because the sandbox
 * library's settings are per process: Chromium needs Unix sockets, which the sandbox of every other
 * command refuses, so this process holds its own sandbox — same hidden paths, no network beyond the
 * sandbox's loopback — and lives as long as the session does (the sandbox's proxies live in it).
 *
 * Protocol (IPC): one `{ hidden, readable, writable, command }` in, one `{ wrapped }` or
 * `{ error }` out. It exits when the parent disconnects.
 */
import { SandboxManager } from "@anthropic-ai/sandbox-runtime";

interface WrapRequest {
  hidden: string[];
  readable: string[];
  writable: string[];
  denyWrite: string[];
  command: string;
}

process.on("message", (message: WrapRequest) => {
  void wrap(message).then(
    (wrapped) => process.send?.({ wrapped }),
    (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => {
  void SandboxManager.reset()
    .catch(() => {})
    .finally(() => process.exit(0));
});

async function wrap(request: WrapRequest): Promise<string> {
  if (!SandboxManager.isSupportedPlatform()) throw new Error(`${process.platform} is not supported by the sandbox`);
  const check = SandboxManager.checkDependencies();
  if (check.errors.length > 0) throw new Error(check.errors.join("; "));
  await SandboxManager.initialize({
    // No host at all: the app and the browser reach each other on the sandbox's own loopback, nothing else.
    network: { allowedDomains: [], deniedDomains: [], allowAllUnixSockets: true },
    filesystem: { denyRead: request.hidden, allowWrite: [], denyWrite: request.denyWrite },
  });
  return SandboxManager.wrapWithSandbox(request.command, undefined, {
    filesystem: { denyRead: request.hidden, allowRead: request.readable, allowWrite: request.writable, denyWrite: request.denyWrite },
  });
}
