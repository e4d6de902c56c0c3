/** Thrown when the database cannot be reached, refuses the credentials, or is closed. Never carries the password. */
export class DbConnectionError extends Error {
  override readonly name = "DbConnectionError";
  readonly code = "DB_CONNECTION_FAILED" as const;
  readonly retryable = true;
  constructor(
    /** `host:port/database`, or `pglite:<dir>` for the embedded database. */
    readonly target: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach the database at ${target}: ${detail}`, options);
  }
}

/** Thrown when a service's migrations fail; nothing of the failed run is kept (it runs in one transaction). */
export class DbMigrationError extends Error {
  override readonly name = "DbMigrationError";
  readonly code = "DB_MIGRATION_FAILED" as const;
  readonly retryable = false;
  constructor(
    readonly service: string,
    options?: { cause?: unknown },
  ) {
    const cause = options?.cause as { message?: string; cause?: { message?: string } } | undefined;
    super(
      `migrating "${service}" failed: ${cause?.cause?.message ?? cause?.message ?? "unknown error"}`,
      options,
    );
  }
}

/** Any error @diana/db throws on purpose. */
export type DbError = DbConnectionError | DbMigrationError;

// Postgres and socket codes that mean "the server is not there for us", as opposed to a bad query.
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "28000", // invalid_authorization_specification
  "28P01", // invalid_password
  "3D000", // invalid_catalog_name: the database does not exist
  "57P01", // admin_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
]);

/** The driver error under a drizzle wrapper: drizzle puts it on `cause`. */
function driverError(error: unknown): { code?: string; message?: string } {
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return e?.cause?.code !== undefined ? e.cause : e;
}

/** Rethrows connection failures as {@link DbConnectionError}; anything else unchanged. */
export function asConnectionError(error: unknown, target: string): unknown {
  const e = driverError(error);
  if (e.code !== undefined && CONNECTION_CODES.has(e.code)) {
    return new DbConnectionError(target, `${e.message ?? e.code} (${e.code})`, { cause: error });
  }
  return error;
}
