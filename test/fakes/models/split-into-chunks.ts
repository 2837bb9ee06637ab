/**
 * Splits text into `count` nearly equal pieces (fewer when it is shorter), by code point so a
 * streamed delta never carries half a surrogate pair. Empty text gives no pieces.
 */
export function splitIntoChunks(text: string, count = 3): string[] {
  const codePoints = Array.from(text);
  const size = Math.max(1, Math.ceil(codePoints.length / count));
  const chunks: string[] = [];
  for (let start = 0; start < codePoints.length; start += size) {
    chunks.push(codePoints.slice(start, start + size).join(""));
  }
  return chunks;
}
