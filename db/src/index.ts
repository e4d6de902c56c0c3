import { connectPglite } from "./pglite";
import { connectPostgres } from "./postgres";
import type { Database } from "./types";

export { DbConnectionError, type DbError, DbMigrationError } from "./errors";
export { migrationsFolder, migrationsTable } from "./migrate";
export { pgliteRefs } from "./pglite";
export { describeUrl } from "./postgres";
export {
  isServiceName,
  pgSchemaOf,
  type ServiceName,
  type ServiceSchema,
  serviceNames,
  serviceSchemas,
} from "./services";
export type { Database, DatabaseSession, DianaDb, RawQuery, ServiceDb } from "./types";

/** Options for {@link connect}. */
export interface ConnectOptions {
  /** Postgres URL. Without it the database is the process's shared embedded PGlite. */
  url?: string;
  /** Directory for the embedded database (`<dataDir>/pgdata`). Defaults to `".diana"`. Ignored with `url`. */
  dataDir?: string;
  /** Postgres pool size. Defaults to 10. Ignored without `url`. */
  max?: number;
  /** Shown in Postgres's `pg_stat_activity`. Defaults to `"diana"`. */
  applicationName?: string;
}

/**
 * Connects to Postgres when a URL is given, else to the shared embedded PGlite (one per data directory per
 * process, closed when its last handle closes). Throws {@link DbConnectionError} naming the host when the
 * server does not answer.
 *
 * @example
 * const database = await connect({ url: env.DATABASE_URL, dataDir: env.DIANA_DATA_DIR });
 * await database.migrate("trading");
 * const db = database.forService("trading");
 * await db.transaction(async (tx) => { … });
 * await database.close();
 */
export function connect(options: ConnectOptions = {}): Promise<Database> {
  return options.url
    ? connectPostgres({ url: options.url, max: options.max, applicationName: options.applicationName })
    : connectPglite({ dataDir: options.dataDir });
}
