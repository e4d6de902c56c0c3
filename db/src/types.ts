import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { ServiceName, ServiceSchema } from "./services";

/**
 * A drizzle database over either driver (postgres.js or PGlite), so services write one code path.
 * Use `db.sql` on the {@link Database} handle for raw rows; `execute()` result shapes differ by driver.
 */
// biome-ignore lint/suspicious/noExplicitAny: the schema parameter is open on purpose, as in drizzle's own types.
export type DianaDb<TSchema extends Record<string, unknown> = Record<string, any>> = PgDatabase<
  PgQueryResultHKT,
  TSchema
>;

/** A drizzle database typed with one service's tables (`db.query.outbox…`). */
export type ServiceDb<S extends ServiceName> = DianaDb<ServiceSchema<S>>;

/** Runs raw SQL and returns its rows, on either driver. */
export interface RawQuery {
  <T = Record<string, unknown>>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T[]>;
  <T = Record<string, unknown>>(query: SQL): Promise<T[]>;
}

/** A connection to Postgres (postgres.js pool) or to the process's shared embedded PGlite. */
export interface Database {
  readonly kind: "postgres" | "pglite";
  /** Where it points, without credentials: `host:port/database` or `pglite:<dir>`. */
  readonly target: string;
  /** The drizzle database without a typed schema. */
  readonly db: DianaDb;
  /** The drizzle database typed for one service's schema. Cached per service. */
  forService<S extends ServiceName>(service: S): ServiceDb<S>;
  /** Applies the service's pending migrations; idempotent and safe to run concurrently. */
  migrate(service: ServiceName): Promise<void>;
  /** Raw SQL returning rows: ``await database.sql`select 1 as one` `` or `database.sql(sql\`…\`)`. */
  readonly sql: RawQuery;
  /**
   * Calls `onNotify` with each payload sent on `channel` (lowercase letters, digits and `_`); resolves to an
   * unsubscribe function.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Opens a connection of its own beside the pool (it never waits for the pool, nor takes from it), for
   * state that lives in a session — session-level advisory locks, `SET` — until `release()`. Absent on
   * PGlite, whose one session every handle of the process shares.
   */
  readonly session?: () => Promise<DatabaseSession>;
  /** `pg_notify(channel, payload)`. To notify on commit, run `select pg_notify(…)` inside the transaction. */
  notify(channel: string, payload: string): Promise<void>;
  /** Throws {@link DbConnectionError} when the database does not answer (used by readiness checks). */
  ping(): Promise<void>;
  /** Releases this handle: ends the pool, or drops a reference to the shared PGlite. Idempotent. */
  close(): Promise<void>;
}

/** A connection of its own of a {@link Database}; see `Database.session`. */
export interface DatabaseSession {
  /** The drizzle database over that one connection. */
  readonly db: DianaDb;
  /** Closes the connection, which ends the session and its locks. Idempotent. */
  release(): Promise<void>;
}
