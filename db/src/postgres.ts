import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { asConnectionError } from "./errors";
import { createHandle } from "./handle";
import type { Database, DianaDb } from "./types";

/** Options for {@link connectPostgres}. */
export interface PostgresOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Pool size. Defaults to 10. */
  max?: number;
  /** Shown in `pg_stat_activity`. Defaults to `"diana"`. */
  applicationName?: string;
}

/** `host:port/database` of a Postgres URL, without credentials. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}${u.pathname || "/"}`;
  } catch {
    return "(unparseable database url)";
  }
}

/** A {@link Database} over a postgres.js pool. Checks the server answers before resolving. */
export async function connectPostgres(options: PostgresOptions): Promise<Database> {
  const target = describeUrl(options.url);
  const client = postgres(options.url, {
    max: options.max ?? 10,
    connect_timeout: 10,
    // `create schema if not exists` and friends send NOTICEs; they are not worth a log line.
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "diana" },
  });
  const database = createHandle({
    kind: "postgres",
    target,
    drizzle: (schema) => drizzle({ client, schema }) as unknown as DianaDb,
    async listen(channel, onNotify) {
      const subscription = await client.listen(channel, onNotify);
      return () => subscription.unlisten();
    },
    end: () => client.end({ timeout: 5 }),
  });
  try {
    await database.ping();
  } catch (error) {
    await client.end({ timeout: 0 });
    throw asConnectionError(error, target);
  }
  return database;
}
