import { join } from "node:path";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { DbMigrationError } from "./errors";
import { pgSchemaOf, type ServiceName } from "./services";
import type { DianaDb } from "./types";

/** The table drizzle-kit and drizzle's migrator use, kept in each service's own schema. */
export const migrationsTable = "__drizzle_migrations";

/** First key of every advisory lock @diana/db takes ("dian"); the second is the schema's hash. */
const LOCK_SPACE = 0x6469616e;

/** `db/drizzle/<service>`, resolved from this file, never from the working directory. */
export function migrationsFolder(service: ServiceName): string {
  return join(import.meta.dir, "..", "drizzle", service);
}

/**
 * Waiting on an advisory lock does not refresh a backend's catalog caches, so right after a concurrent run
 * commits, `create … if not exists` can miss the new schema and collide with it. A new transaction starts
 * with fresh caches, and under the lock it then sees the finished run and does nothing.
 */
const STALE_CATALOG = new Set(["23505", "42P06", "42P07", "42710"]);
const codeOf = (error: unknown) => (error as { cause?: { code?: string } })?.cause?.code ?? "";

type Rows<T> = T[] | { rows: T[] };
const rowsOf = <T>(result: unknown): T[] => {
  const r = result as Rows<T>;
  return Array.isArray(r) ? r : r.rows;
};

/**
 * Applies a service's pending migrations. Same bookkeeping as drizzle's migrator (`<schema>.__drizzle_migrations`,
 * applied when newer than the last recorded one), but the whole run is one transaction that first takes a
 * transaction-scoped advisory lock on the schema: concurrent runs, in one process or many, apply each
 * migration once, and a failed run leaves nothing behind.
 */
/** A generated migration's own `CREATE SCHEMA IF NOT EXISTS`, skipped when the schema exists. */
const CREATE_SCHEMA = /^\s*create schema if not exists\s+"[^"]+"\s*;?\s*$/i;

export async function migrateService(db: DianaDb, service: ServiceName): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder: migrationsFolder(service) });
  const schema = sql.identifier(pgSchemaOf(service));
  const table = sql`${schema}.${sql.identifier(migrationsTable)}`;
  const run = () =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_SPACE}, hashtext(${pgSchemaOf(service)}))`);
      // Postgres checks CREATE on the database before it looks whether the schema exists, so a service
      // role that owns only its schema (see provision.ts) must not even ask when the schema is there.
      const exists =
        rowsOf(await tx.execute(sql`select 1 from pg_namespace where nspname = ${pgSchemaOf(service)}`))
          .length > 0;
      if (!exists) await tx.execute(sql`create schema if not exists ${schema}`);
      await tx.execute(
        sql`create table if not exists ${table} (id serial primary key, hash text not null, created_at bigint)`,
      );
      const [last] = rowsOf<{ created_at: string | number }>(
        await tx.execute(sql`select created_at from ${table} order by created_at desc limit 1`),
      );
      for (const migration of migrations) {
        if (last && Number(last.created_at) >= migration.folderMillis) continue;
        for (const statement of migration.sql) {
          if (exists && CREATE_SCHEMA.test(statement)) continue;
          await tx.execute(sql.raw(statement));
        }
        await tx.execute(
          sql`insert into ${table} (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
        );
      }
    });
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt < 3 && STALE_CATALOG.has(codeOf(error))) continue;
      throw new DbMigrationError(service, { cause: error });
    }
  }
}
