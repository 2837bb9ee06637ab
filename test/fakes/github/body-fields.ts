import { HttpError } from "./http-error.ts";

export type JsonObject = Record<string, unknown>;

// Typed readers for JSON request bodies: a wrongly typed field is a 422, as on GitHub, instead of
// a crash deep in a handler.

export function optionalString(body: JsonObject, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new HttpError(422, `Invalid request.\n\nFor '${key}', ${JSON.stringify(value)} is not a string.`);
  return value;
}

export function requiredString(body: JsonObject, key: string): string {
  const value = optionalString(body, key);
  if (value === undefined) throw new HttpError(422, `Invalid request.\n\n"${key}" wasn't supplied.`);
  return value;
}

export function optionalBoolean(body: JsonObject, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new HttpError(422, `Invalid request.\n\nFor '${key}', ${JSON.stringify(value)} is not a boolean.`);
  return value;
}

export function optionalObject(body: JsonObject, key: string): JsonObject | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(422, `Invalid request.\n\nFor '${key}', ${JSON.stringify(value)} is not an object.`);
  }
  return value as JsonObject;
}

export function optionalArray(body: JsonObject, key: string): unknown[] | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new HttpError(422, `Invalid request.\n\nFor '${key}', ${JSON.stringify(value)} is not an array.`);
  return value;
}
