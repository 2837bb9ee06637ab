/** The token of an `Authorization: Bearer …` header, which both SDKs send their API key in. */
export function bearerToken(headers: Record<string, string>): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "");
  return match?.[1];
}
