import { shellQuote } from "../workspace/command-scratch.ts";

export interface LaunchScriptInput {
  /** The checkout, where the start command runs. */
  cwd: string;
  /** The app's and the browser's private directory: HOME, TMPDIR, the app's log and the launch status. */
  home: string;
  /** Written by the host only: the browser's arguments. */
  control: string;
  start: string;
  /** Polled with HTTP GET until it answers 2xx or 3xx. */
  readyUrl: URL;
  timeoutSeconds: number;
  chromiumPath: string;
}

/**
 * The script that starts the app, waits for it to answer, then runs Chromium with the arguments
 * Playwright gave (read from a file: the sandbox's wrapping takes a command, not arguments). App
 * and browser share one process tree — inside the sandbox, one network namespace — and the app
 * dies with the browser. `status` tells the session why a launch failed.
 */
export function launchScript(input: LaunchScriptInput): string {
  const scratch = shellQuote(input.home);
  const control = shellQuote(input.control);
  // The config allows only localhost and 127.0.0.1; nothing else reaches this script.
  const host = input.readyUrl.hostname === "localhost" ? "127.0.0.1" : input.readyUrl.hostname;
  if (!/^[0-9.]+$/.test(host)) throw new Error(`the app must listen on localhost or 127.0.0.1, not ${host}`);
  const port = input.readyUrl.port || (input.readyUrl.protocol === "https:" ? "443" : "80");
  const request = `GET ${input.readyUrl.pathname}${input.readyUrl.search} HTTP/1.0\\r\\nHost: ${input.readyUrl.host}\\r\\n\\r\\n`;
  return [
    `export HOME=${scratch} TMPDIR=${scratch}`,
    `cd ${shellQuote(input.cwd)} || exit 1`,
    `( ${input.start}`,
    `) > ${scratch}/app.log 2>&1 < /dev/null &`,
    "app=$!",
    // bash's /dev/tcp: no curl needed in the repository's environment.
    `ready() { exec 3<>/dev/tcp/${host}/${port} || return 1; printf '%b' ${shellQuote(request)} >&3; local status; IFS=' ' read -r _ status _ <&3; exec 3<&-; [[ $status == [23]?? ]]; }`,
    `deadline=$((SECONDS + ${input.timeoutSeconds}))`,
    "until ( ready ) 2>/dev/null; do",
    `  if ! kill -0 "$app" 2>/dev/null; then wait "$app"; echo "exited $?" > ${scratch}/status; exit 1; fi`,
    `  if (( SECONDS >= deadline )); then echo timeout > ${scratch}/status; kill -KILL "$app" 2>/dev/null; exit 1; fi`,
    "  sleep 0.2",
    "done",
    `echo ready > ${scratch}/status`,
    `mapfile -t args < ${control}/chromium-args`,
    `${shellQuote(input.chromiumPath)} "\${args[@]}"`,
    // Whatever the app left running goes with it: the script leads its own process group.
    "kill -KILL 0",
  ].join("\n");
}
