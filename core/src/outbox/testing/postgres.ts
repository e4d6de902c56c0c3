import { join } from "node:path";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { requireServer, type ServerAvailability } from "../../testing/require-server";
import type { OutboxDatabase } from "../types";

const adminUrl = () => process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const admin = () => postgres(adminUrl(), { max: 1, connect_timeout: 3, onnotice: () => {} });

/**
 * The platform tables are `@diana/db`'s, which core may not import; the tests apply db's generated
 * migrations for one service instead (the same SQL a service runs), so they cannot drift from the schema.
 */
const migrationsOf = (service: string) =>
  readMigrationFiles({ migrationsFolder: join(import.meta.dir, "../../../../db/drizzle", service) });

/** An {@link OutboxDatabase} over a postgres.js pool, as `@diana/db`'s `connect()` builds it. */
export function connectOutboxDatabase(url: string, max = 10): OutboxDatabase & { close(): Promise<void> } {
  const client = postgres(url, { max, onnotice: () => {} });
  return {
    db: drizzle({ client }) as unknown as OutboxDatabase["db"],
    async listen(channel, onNotify) {
      const subscription = await client.listen(channel, onNotify);
      return () => subscription.unlisten();
    },
    async session() {
      const one = postgres(url, { max: 1, onnotice: () => {} });
      await one`select 1`;
      return {
        db: drizzle({ client: one }) as unknown as OutboxDatabase["db"],
        release: () => one.end({ timeout: 5 }),
      };
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * For test files: a fresh database `diana_test_<random>` with the trading schema migrated; `drop()` it after
 * the file (the harness does, once its connections are closed). Unreachable Postgres skips with a reason,
 * or fails when CI=true.
 */
export async function testOutboxDatabase(
  service = "trading",
): Promise<ServerAvailability & { url: string; schema: string; drop(): Promise<void> }> {
  const name = `diana_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const schema = service.replaceAll("-", "_");
  const server = await requireServer("Postgres at 127.0.0.1:5432", async () => {
    const a = admin();
    try {
      await a`create database ${a(name)}`;
    } finally {
      await a.end({ timeout: 5 });
    }
    const database = connectOutboxDatabase(url.toString(), 1);
    try {
      for (const migration of migrationsOf(service)) {
        for (const statement of migration.sql) await database.db.execute(sql.raw(statement));
      }
    } finally {
      await database.close();
    }
  });
  const drop = async () => {
    if (!server.available) return;
    const a = admin();
    try {
      await a`drop database if exists ${a(name)} with (force)`;
    } finally {
      await a.end({ timeout: 5 });
    }
  };
  return { ...server, url: url.toString(), schema, drop };
}
