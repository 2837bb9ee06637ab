/** What the PostgreSQL store says about its database: errors at start and the URL with its password hidden. */

/** The database could not be reached or used at start: said with the URL's password replaced. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
  readonly operatorFacing = true;
  readonly code: string | undefined;

  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

/** Another holder of the one-instance lock uses the database (`exclusive`). */
export class DatabaseInUseError extends Error {
  override name = "DatabaseInUseError";
  readonly operatorFacing = true;
  readonly isRetryable = false;
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; whatever cannot be parsed is not repeated. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    for (const key of [...parsed.searchParams.keys()]) if (/pass|secret|key/i.test(key)) parsed.searchParams.set(key, "***");
    return parsed.toString();
  } catch {
    return "(a URL that cannot be parsed)";
  }
}

/** The password in a database URL, if any (the app's redactor keeps it out of comments and logs). */
export function databasePassword(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password || undefined;
  } catch {
    return undefined;
  }
}
