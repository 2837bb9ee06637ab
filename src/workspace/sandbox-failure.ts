/**
 * Why the sandbox could not start, with advice that fixes that cause. The comment on the issue gets
 * the cause and the advice; the raw output (which can name the host's paths) goes to the app's log.
 */
export interface SandboxFailure {
  /** One line a person understands, without host paths. */
  cause: string;
  /** What the operator does about it, ending in the command that continues the mission. */
  advice: string;
  /** The raw problem, for the log. */
  detail: string;
}

const RESUME = "then comment `/mission resume`.";
const UNCONFINED = "The operator can run commands unconfined with MISSIONS_SANDBOX=off, which is not recommended.";

/** Tools the sandbox needs, by the name `checkDependencies` reports them under, and their Debian packages. */
const PACKAGES: Array<[RegExp, string]> = [
  [/bubblewrap|bwrap/i, "bubblewrap"],
  [/socat/i, "socat"],
  [/ripgrep|\brg\b/i, "ripgrep"],
];

/** Missing tools: the packages to install, named exactly. */
export function missingTools(problems: string[]): SandboxFailure {
  const packages = PACKAGES.filter(([pattern]) => problems.some((problem) => pattern.test(problem))).map(([, name]) => name);
  const list = packages.length > 0 ? packages : ["bubblewrap", "socat", "ripgrep"];
  return {
    cause: `the app's host lacks ${list.join(", ")}`,
    advice: `Install ${list.length > 1 ? "them" : "it"} on the app's host (Debian or Ubuntu: \`apt-get install ${list.join(" ")}\`), ${RESUME} ${UNCONFINED}`,
    detail: problems.join("; "),
  };
}

/** bubblewrap too old or setuid: it cannot refuse user namespaces, so a command could undo the sandbox's read-only mounts. */
export function bubblewrapTooWeak(detail: string): SandboxFailure {
  return {
    cause: "the host's bubblewrap cannot disable user namespaces inside the sandbox (it is older than 0.8.0, or installed setuid)",
    advice: `Install bubblewrap 0.8.0 or later, not setuid (Debian 12 or Ubuntu 24.04: \`apt-get install bubblewrap\`), ${RESUME} ${UNCONFINED}`,
    detail,
  };
}

/** The trial command or the library's start failed: read the output for the known causes. */
export function explainStartFailure(output: string): SandboxFailure {
  const detail = output.trim().split("\n").slice(-5).join(" ").slice(0, 2_000);
  if (/max_user_namespaces|\/proc\/sys.*(Read-only|denied)/i.test(output)) {
    return {
      cause: "bubblewrap cannot turn off user namespaces inside the sandbox: /proc/sys is read-only (an unprivileged container)",
      advice: `Run the container with \`--security-opt systempaths=unconfined\` (and a seccomp profile that allows user namespaces, e.g. \`--security-opt seccomp=unconfined\`), ${RESUME} ${UNCONFINED}`,
      detail,
    };
  }
  if (/setting up uid map|uid map|No permissions to creat|creating new namespace|unshare.*(not permitted|denied)|Operation not permitted/i.test(output)) {
    return {
      cause: "the host does not let the app create user namespaces, which the sandbox (bubblewrap) needs",
      advice:
        "Allow unprivileged user namespaces: in a container, run it with a seccomp profile that permits them (e.g. `--security-opt seccomp=unconfined` or your runtime's bubblewrap profile); " +
        "on Ubuntu 24.04, `sysctl kernel.apparmor_restrict_unprivileged_userns=0` or an AppArmor profile for bwrap; elsewhere `sysctl kernel.unprivileged_userns_clone=1`; " +
        `as root without CAP_SETFCAP, grant it or run as a non-root user. ${RESUME} ${UNCONFINED}`,
      detail,
    };
  }
  if (/not supported/i.test(output)) {
    return { cause: "the sandbox does not support this operating system", advice: `Run the app on Linux (or in its Docker image). ${UNCONFINED}`, detail };
  }
  return {
    cause: "a trial command in the sandbox failed",
    advice: `The app's log has its output (search for "sandbox"); run the app with LOG_LEVEL=debug for the sandbox's own messages. Fix what it names, ${RESUME} ${UNCONFINED}`,
    detail,
  };
}
