import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OperatorSetupError } from "./operator-error.ts";

export interface PackageSources {
  /** A PEM file of extra CA certificates (a TLS-intercepting proxy's, a company CA): `MISSIONS_CA_FILE`. */
  caFile?: string;
  /** An npm registry mirror: `MISSIONS_NPM_REGISTRY`. */
  npmRegistry?: string;
  /** A Python package index mirror: `MISSIONS_PIP_INDEX_URL`. */
  pipIndexUrl?: string;
}

/** Where the system's CA bundle usually is (Debian and Ubuntu, Fedora and RHEL, Alpine, openSUSE). */
const SYSTEM_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem", "/etc/ssl/ca-bundle.pem"];

/**
 * What sandboxed commands need to install packages behind a TLS-intercepting proxy or from a mirror:
 * the CA certificates (copied to `directory`, which commands may read — certificates are public, and a
 * file holding a private key is refused), the variables each package manager reads, and the mirrors'
 * hosts for the network allowlist. The operator's own npm or pip configuration (and its tokens) stays
 * out of reach: commands get a private HOME.
 */
export function trustEnvironment(sources: PackageSources, directory: string): { environment: Record<string, string>; readable: string[]; hosts: string[] } {
  const environment: Record<string, string> = {};
  const readable: string[] = [];
  const hosts: string[] = [];
  if (sources.caFile) {
    let pem: string;
    try {
      pem = readFileSync(sources.caFile, "utf8");
    } catch (error) {
      throw new OperatorSetupError(`MISSIONS_CA_FILE: ${sources.caFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(pem)) throw new OperatorSetupError(`MISSIONS_CA_FILE: ${sources.caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
    if (/PRIVATE KEY-----/.test(pem)) throw new OperatorSetupError(`MISSIONS_CA_FILE: ${sources.caFile} holds a private key; give only the CA certificates — every command can read this file.`);
    mkdirSync(directory, { recursive: true, mode: 0o755 });
    const extra = join(directory, "extra-ca.pem");
    const bundle = join(directory, "ca-bundle.pem");
    writeFileSync(extra, pem);
    // Tools that take one bundle replace the system's with it: the bundle is the system's plus the operator's.
    const system = SYSTEM_BUNDLES.find((path) => existsSync(path));
    writeFileSync(bundle, `${system ? readFileSync(system, "utf8").trimEnd() + "\n" : ""}${pem}`);
    readable.push(directory);
    Object.assign(environment, {
      NODE_EXTRA_CA_CERTS: extra,
      SSL_CERT_FILE: bundle,
      CURL_CA_BUNDLE: bundle,
      GIT_SSL_CAINFO: bundle,
      REQUESTS_CA_BUNDLE: bundle,
      PIP_CERT: bundle,
      CARGO_HTTP_CAINFO: bundle,
      npm_config_cafile: bundle,
    });
  }
  if (sources.npmRegistry) {
    environment.npm_config_registry = sources.npmRegistry;
    environment.YARN_NPM_REGISTRY_SERVER = sources.npmRegistry;
    hosts.push(new URL(sources.npmRegistry).hostname);
  }
  if (sources.pipIndexUrl) {
    environment.PIP_INDEX_URL = sources.pipIndexUrl;
    hosts.push(new URL(sources.pipIndexUrl).hostname);
  }
  return { environment, readable, hosts };
}
