// GitHub renders times at second precision with a `Z` suffix; clients parse that exact shape.
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
