import { verify, type KeyObject } from "node:crypto";

export type JwtCheck = { ok: true } | { ok: false; message: string };

// GitHub's own messages: @octokit/auth-app recognises the time-related ones and retries with a
// corrected clock, so the fake must speak them verbatim.
const UNDECODABLE = "A JSON web token could not be decoded";
const EXPIRED =
  "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
const TOO_FAR = "'Expiration time' claim ('exp') is too far in the future";
const BAD_IAT = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
const CLOCK_SKEW_S = 60;
const MAX_LIFETIME_S = 600;

export function verifyAppJwt(jwt: string, publicKey: KeyObject, appId: number, nowMs = Date.now()): JwtCheck {
  const [header, payload, signature, ...rest] = jwt.split(".");
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) {
    return { ok: false, message: UNDECODABLE };
  }
  const head = parseSegment(header);
  const claims = parseSegment(payload);
  if (!head || !claims || head.alg !== "RS256") return { ok: false, message: UNDECODABLE };
  const signed = verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url"));
  if (!signed) return { ok: false, message: UNDECODABLE };
  if (String(claims.iss) !== String(appId)) return { ok: false, message: "Integration not found" };
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.iat !== "number" || claims.iat > now + CLOCK_SKEW_S) return { ok: false, message: BAD_IAT };
  if (typeof claims.exp !== "number" || claims.exp <= now) return { ok: false, message: EXPIRED };
  if (claims.exp > now + MAX_LIFETIME_S + CLOCK_SKEW_S) return { ok: false, message: TOO_FAR };
  return { ok: true };
}

function parseSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
