/** A base64 segment: both alphabets (standard and URL-safe). */
const SEGMENT = "[A-Za-z0-9+/_-]";
/** A line break, real or escaped (JSON, env files), and the indentation after it; not before a PEM armour line. */
const BREAK = String.raw`(?:\r?\n|(?:\\r)?\\n)[ \t]*(?!-----)`;
/** Between two lines of a block: a line break, or spaces where the lines were folded into one (a table cell). */
const BETWEEN = String.raw`(?:${BREAK}|[ \t]+)`;

/**
 * A run of base64 of at least 40 characters, wrapped or not: `base64` wraps at 76 characters and
 * `openssl base64` at 64, so each further line of a block is long, and only the last may be short.
 */
const BLOCK = new RegExp(
  String.raw`(?:(?<![A-Za-z0-9+/_=\\-])|(?<=\\[nrt]))${SEGMENT}{40,}(?:${BETWEEN}${SEGMENT}{40,})*(?:${BREAK}${SEGMENT}{1,39}={0,2}(?![A-Za-z0-9+/_=-])|[ \t]+${SEGMENT}{4,39}={0,2}(?![A-Za-z0-9+/_=-])|={1,2})?`,
  "g",
);
/** What separates the lines of a block. */
const SEPARATOR = /(?:\r?\n|(?:\\r)?\\n)[ \t]*|[ \t]+/g;

/** What a decoded block must not hold: a PEM private key, an OpenSSH key, or one of the operator's secrets. */
function holdsSecret(bytes: Buffer, secrets: readonly string[]): boolean {
  const text = bytes.toString("latin1");
  if (/PRIVATE KEY/.test(text) || text.startsWith("openssh-key-v1")) return true;
  if (isPrivateKeyDer(bytes)) return true;
  if (secrets.length === 0) return false;
  const utf8 = bytes.toString("utf8");
  return secrets.some((secret) => utf8.includes(secret));
}

/**
 * Whether DER bytes are a private key: a SEQUENCE whose first element is the INTEGER 0 or 1 — the
 * version that PKCS#1 (RSA), PKCS#8 and SEC 1 (EC) private keys start with. Public keys and
 * certificates start with another SEQUENCE or a long INTEGER instead.
 */
function isPrivateKeyDer(bytes: Buffer): boolean {
  if (bytes.length < 24 || bytes[0] !== 0x30) return false;
  const length = bytes[1]!;
  const start = length & 0x80 ? 2 + (length & 0x7f) : 2;
  return bytes[start] === 0x02 && bytes[start + 1] === 0x01 && (bytes[start + 2] === 0x00 || bytes[start + 2] === 0x01);
}

function decode(block: string): Buffer {
  return Buffer.from(block.replace(SEPARATOR, "").replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/**
 * Replaces each block of base64 that decodes to a secret: a private key encoded whole (a Kubernetes
 * secret, `base64 key.pem`, wrapped or not), a key's body without its BEGIN and END lines, or one of
 * the operator's own secrets inside a longer encoded text wrapped over several lines. A block behind a
 * diff's `+` or `-` is decoded without that mark too.
 */
export function redactEncodedSecrets(text: string, secrets: readonly string[], replacement: string): string {
  BLOCK.lastIndex = 0;
  return text.replace(BLOCK, (match) => {
    // A short last line that would break the encoding's length (a multiple of 4) is a word after it, not its end.
    const separators = [...match.matchAll(SEPARATOR)];
    const last = separators.at(-1);
    const body = last ? match.slice(0, last.index) : match;
    const whole = (candidate: string) => candidate.replace(SEPARATOR, "").length % 4 === 0;
    const [block, after] = last && !whole(match) && whole(body) ? [body, match.slice(body.length)] : [match, ""];
    if (holdsSecret(decode(block), secrets)) return replacement + after;
    if (/^[+-]/.test(block) && holdsSecret(decode(block.slice(1)), secrets)) return block[0] + replacement + after;
    return match;
  });
}
