import type { FakeState } from "./fake-state.ts";
import { verifyAppJwt } from "./verify-app-jwt.ts";

export type Auth =
  | { kind: "app" }
  | { kind: "installation"; installationId: number; permissions: Record<string, string> }
  | { kind: "user"; login?: string }
  | { kind: "none" }
  | { kind: "invalid"; message: string };

const USER_TOKEN = /^(ghp_|gho_|ghu_|github_pat_)/;

// Reads an Authorization header the way GitHub does: `Bearer <jwt>` is the app itself,
// `token|Bearer ghs_…` an installation, Basic carries a token as its password (git clients).
// User tokens are the OAuth flow's (`ghu_…`, see oauth.ts); other personal tokens are only classified.
export function authenticate(header: string | undefined, state: FakeState): Auth {
  if (!header) return { kind: "none" };
  const credential = credentialOf(header);
  if (!credential) return { kind: "invalid", message: "Bad credentials" };
  if (credential.split(".").length === 3) {
    const check = verifyAppJwt(credential, state.publicKey, state.appId);
    return check.ok ? { kind: "app" } : { kind: "invalid", message: check.message };
  }
  const token = state.validToken(credential);
  if (token) return { kind: "installation", installationId: token.installationId, permissions: token.permissions };
  if (USER_TOKEN.test(credential)) {
    const login = state.userOfToken(credential);
    return { kind: "user", ...(login ? { login } : {}) };
  }
  return { kind: "invalid", message: "Bad credentials" };
}

function credentialOf(header: string): string | undefined {
  const match = /^(bearer|token|basic)\s+(\S+)\s*$/i.exec(header.trim());
  if (!match?.[1] || !match[2]) return undefined;
  if (match[1].toLowerCase() !== "basic") return match[2];
  const decoded = Buffer.from(match[2], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}
