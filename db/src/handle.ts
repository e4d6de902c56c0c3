import { isSQLWrapper, type SQL, sql } from "drizzle-orm";
import { asConnectionError, DbConnectionError } from "./errors";
import { migrateService } from "./migrate";
import { type ServiceName, serviceSchemas } from "./services";
import type { Database, DatabaseSession, DianaDb, RawQuery, ServiceDb } from "./types";

/** What each driver supplies; the rest of a {@link Database} is shared. */
export interface Driver {
  kind: Database["kind"];
  target: string;
  drizzle(schema?: Record<string, unknown>): DianaDb;
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** A connection of its own; absent where there is only one session (PGlite). */
  session?(): Promise<DatabaseSession>;
  end(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export function createHandle(driver: Driver): Database {
  const db = driver.drizzle();
  const perService = new Map<ServiceName, DianaDb>();
  const openSession = driver.session;
  let closed: Promise<void> | undefined;

  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    if (closed) throw new DbConnectionError(driver.target, "this handle is closed");
    try {
      return await run();
    } catch (error) {
      throw asConnectionError(error, driver.target);
    }
  };

  const raw = (async (first: TemplateStringsArray | SQL, ...values: unknown[]) => {
    const query = isSQLWrapper(first) ? (first as SQL) : sql(first as TemplateStringsArray, ...values);
    const result = (await guard(() => db.execute(query))) as unknown;
    return Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
  }) as RawQuery;

  return {
    kind: driver.kind,
    target: driver.target,
    db,
    forService<S extends ServiceName>(service: S): ServiceDb<S> {
      let typed = perService.get(service);
      if (!typed) {
        typed = driver.drizzle(serviceSchemas[service]);
        perService.set(service, typed);
      }
      return typed as unknown as ServiceDb<S>;
    },
    migrate: (service) => guard(() => migrateService(db, service)),
    sql: raw,
    listen(channel, onNotify) {
      // PGlite splices the name into `LISTEN …` unquoted and postgres.js quotes it: only plain names mean the same to both.
      if (!CHANNEL.test(channel)) throw new RangeError(`channel must match ${CHANNEL} (got "${channel}")`);
      return guard(() => driver.listen(channel, onNotify));
    },
    ...(openSession ? { session: () => guard(openSession) } : {}),
    async notify(channel, payload) {
      await raw`select pg_notify(${channel}, ${payload})`;
    },
    async ping() {
      await raw`select 1`;
    },
    close() {
      closed ??= driver.end();
      return closed;
    },
  };
}
