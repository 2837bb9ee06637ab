import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commandPath, prepareScratchRoot, trustEnvironment } from "../../src/workspace/index.ts";
import { bubblewrapTooWeak, explainStartFailure, missingTools } from "../../src/workspace/sandbox-failure.ts";
import { describeBrowserFailure } from "../../src/browser/app-under-test.ts";
import { readOperatorConfig } from "../../src/config/index.ts";

const made: string[] = [];
const scratch = () => {
  const directory = mkdtempSync(join(tmpdir(), "command-env-"));
  made.push(directory);
  return directory;
};
afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe("the PATH of sandboxed commands", () => {
  it("drops hidden directories, and puts the app's own Node where npm start's node_modules/.bin had it", () => {
    const app = scratch();
    const nodeDirectory = join(app, "node_modules", "node", "bin");
    mkdirSync(nodeDirectory, { recursive: true });
    writeFileSync(join(nodeDirectory, "node"), "#!/bin/sh\n");
    chmodSync(join(nodeDirectory, "node"), 0o755);
    mkdirSync(join(app, "node_modules", ".bin"));
    symlinkSync("../node/bin/node", join(app, "node_modules", ".bin", "node"));
    symlinkSync("../eslint/bin/eslint.js", join(app, "node_modules", ".bin", "eslint"));
    const path = [join(app, "node_modules", ".bin"), join(app, "node_modules", ".bin", "x"), "/usr/local/bin", "/usr/bin"].join(":");
    expect(commandPath(path, [app], join(nodeDirectory, "node"))).toEqual({ path: `${nodeDirectory}:/usr/local/bin:/usr/bin`, readable: [join(app, "node_modules", "node")] });
  });

  it("makes an nvm installation under HOME readable as a whole (npm and corepack live beside node), and never HOME itself", () => {
    const home = scratch();
    const prefix = join(home, ".nvm", "versions", "node", "v24.1.0");
    mkdirSync(join(prefix, "bin"), { recursive: true });
    mkdirSync(join(prefix, "lib", "node_modules", "npm", "bin"), { recursive: true });
    writeFileSync(join(prefix, "bin", "node"), "#!/bin/sh\n");
    symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", join(prefix, "bin", "npm"));
    expect(commandPath(`${join(prefix, "bin")}:/usr/bin`, [home, join(home, "app", ".env")], join(prefix, "bin", "node"))).toEqual({ path: `${join(prefix, "bin")}:/usr/bin`, readable: [prefix] });
    // Node unpacked straight into HOME: showing its installation would show HOME.
    mkdirSync(join(home, "bin"));
    writeFileSync(join(home, "bin", "node"), "#!/bin/sh\n");
    expect(commandPath(`${join(home, "bin")}:/usr/bin`, [home, join(home, "bin", "secret")], join(home, "bin", "node"))).toEqual({ path: "/usr/bin", readable: [] });
  });

  it("keeps the PATH as it is when nothing on it is hidden, and gives nothing else of the app to read", () => {
    expect(commandPath("/usr/local/bin:/usr/bin:/bin", ["/srv/missions"], process.execPath)).toEqual({ path: "/usr/local/bin:/usr/bin:/bin", readable: [] });
    // A hidden directory whose `node` is not the app's is just dropped.
    const home = scratch();
    mkdirSync(join(home, "bin"));
    writeFileSync(join(home, "bin", "node"), "#!/bin/sh\n");
    expect(commandPath(`${join(home, "bin")}:/usr/bin`, [home], process.execPath)).toEqual({ path: "/usr/bin", readable: [] });
  });
});

describe("the scratch root", () => {
  it("is short whatever the base, private to the user, one per store, and emptied at start", () => {
    const longBase = join(scratch(), "a".repeat(120));
    const root = prepareScratchRoot("/srv/one/missions.db", longBase);
    made.push(root);
    expect(root).toMatch(/^\/tmp\/missions-\d+-[0-9a-f]{10}$/);
    expect(root.length + "/app-XXXXXX/home/.org.chromium.Chromium.XXXXXX/SingletonSocket".length).toBeLessThan(107);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(prepareScratchRoot("/srv/two/missions.db", longBase)).not.toBe(root);
    made.push(prepareScratchRoot("/srv/two/missions.db", longBase));
    writeFileSync(join(root, "left-over"), "from a killed run");
    expect(prepareScratchRoot("/srv/one/missions.db", longBase)).toBe(root);
    expect(existsSync(join(root, "left-over"))).toBe(false);
  });

  it("refuses a directory others can read, or a link planted under its name", () => {
    const key = `/srv/three-${process.pid}/missions.db`;
    const root = prepareScratchRoot(key);
    made.push(root);
    chmodSync(root, 0o755);
    expect(() => prepareScratchRoot(key)).toThrow(/not a private directory/);
    rmSync(root, { recursive: true });
    symlinkSync(scratch(), root);
    expect(() => prepareScratchRoot(key)).toThrow(/not a private directory/);
  });
});

describe("the operator's CA bundle and package mirrors", () => {
  const CA = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";

  it("copies the CA where commands can read it, with the system's bundle, and sets every package manager's variable", () => {
    const directory = scratch();
    writeFileSync(join(directory, "corp.pem"), CA);
    const trust = trustEnvironment({ caFile: join(directory, "corp.pem"), npmRegistry: "https://npm.corp.example/", pipIndexUrl: "https://pypi.corp.example/simple" }, join(directory, "trust"));
    expect(trust.readable).toEqual([join(directory, "trust")]);
    expect(trust.hosts).toEqual(["npm.corp.example", "pypi.corp.example"]);
    expect(readFileSync(trust.environment.NODE_EXTRA_CA_CERTS!, "utf8")).toBe(CA);
    const bundle = readFileSync(trust.environment.SSL_CERT_FILE!, "utf8");
    expect(bundle.endsWith(CA)).toBe(true);
    if (existsSync("/etc/ssl/certs/ca-certificates.crt")) expect(bundle.length).toBeGreaterThan(CA.length * 10);
    for (const name of ["CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "REQUESTS_CA_BUNDLE", "PIP_CERT", "npm_config_cafile"]) expect(trust.environment[name]).toBe(trust.environment.SSL_CERT_FILE);
    expect(trust.environment).toMatchObject({ npm_config_registry: "https://npm.corp.example/", PIP_INDEX_URL: "https://pypi.corp.example/simple" });
  });

  it("refuses a file with a private key in it, or no certificate", () => {
    const directory = scratch();
    writeFileSync(join(directory, "bad.pem"), `${CA}-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n`);
    expect(() => trustEnvironment({ caFile: join(directory, "bad.pem") }, join(directory, "trust"))).toThrow(/private key/);
    writeFileSync(join(directory, "empty.pem"), "hello");
    expect(() => trustEnvironment({ caFile: join(directory, "empty.pem") }, join(directory, "trust"))).toThrow(/no PEM certificate/);
    expect(trustEnvironment({}, join(directory, "trust"))).toEqual({ environment: {}, readable: [], hosts: [] });
  });

  it("hides the env file the app reads, wherever MISSIONS_ENV_FILE puts it", () => {
    expect(readOperatorConfig({}, { appDirectory: "/app", envFile: "/data/.env" }).secretPaths).toEqual(expect.arrayContaining(["/app", "/data/.env"]));
  });

  it("reads the settings from the environment, and refuses a mirror address with credentials in it", () => {
    expect(readOperatorConfig({ MISSIONS_CA_FILE: "/etc/corp-ca.pem", MISSIONS_NPM_REGISTRY: "https://npm.corp.example/" }).packageSources).toEqual({ caFile: "/etc/corp-ca.pem", npmRegistry: "https://npm.corp.example/", pipIndexUrl: undefined });
    expect(() => readOperatorConfig({ MISSIONS_NPM_REGISTRY: "https://me:token@npm.corp.example/" })).toThrow(/MISSIONS_NPM_REGISTRY: must not contain credentials/);
    expect(() => readOperatorConfig({ MISSIONS_PIP_INDEX_URL: "ftp://pypi.corp.example/" })).toThrow(/MISSIONS_PIP_INDEX_URL/);
  });
});

describe("advice when the sandbox or the browser cannot start", () => {
  it("names exactly the missing packages", () => {
    const failure = missingTools(["socat not found in PATH"]);
    expect(failure.cause).toBe("the app's host lacks socat");
    expect(failure.advice).toContain("`apt-get install socat`");
    expect(failure.advice).toContain("`/mission resume`");
  });

  it("tells user namespaces, old bubblewrap and unknown failures apart, without host paths", () => {
    expect(explainStartFailure("bwrap: setting up uid map: Permission denied").cause).toMatch(/user namespaces/);
    expect(explainStartFailure("bwrap: No permissions to creating new namespace").advice).toMatch(/seccomp=unconfined/);
    expect(explainStartFailure("bwrap: cannot open /proc/sys/user/max_user_namespaces: Read-only file system").advice).toMatch(/systempaths=unconfined/);
    expect(bubblewrapTooWeak("bwrap is setuid").advice).toMatch(/0\.8\.0 or later, not setuid/);
    const other = explainStartFailure("/home/op/app/thing: weird failure");
    expect(`${other.cause} ${other.advice}`).not.toContain("/home/op");
    expect(other.detail).toContain("/home/op/app/thing");
    expect(other.advice).toMatch(/LOG_LEVEL=debug/);
  });

  it("does not tell the operator to install a browser that is there", () => {
    expect(describeBrowserFailure("/usr/bin/chromium", "[pid=1][err] process_singleton_posix.cc: Failed to create socket: path too long")).toMatch(/too long for a Unix socket/);
    expect(describeBrowserFailure("/usr/bin/chromium", "socket() failed: Operation not permitted")).toMatch(/refused a system call/);
    expect(describeBrowserFailure("/usr/bin/chromium", "error while loading shared libraries: libnss3.so")).toMatch(/--reinstall chromium/);
    const unknown = describeBrowserFailure("/usr/bin/chromium", "Target page, context or browser has been closed");
    expect(unknown).not.toMatch(/apt-get install chromium/);
    expect(unknown).toContain("--dump-dom about:blank");
  });
});
