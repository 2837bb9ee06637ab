// Global node ids are opaque to clients; they only need to be stable and unique per object.
export function nodeId(prefix: string, key: number | string): string {
  return `${prefix}_kwDO${Buffer.from(`${prefix}:${key}`).toString("base64url")}`;
}
