import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { migrationsFolder } from "./migrate";
import { pgSchemaOf, serviceNames } from "./services";
import type { Database } from "./types";

/** Options for {@link runDatabaseConformance}. */
export interface DatabaseConformanceOptions {
  /** Suite name, e.g. `"postgres"` or `"pglite"`. */
  name: string;
  /** Opens a handle on the database under test. Called once for the suite and again by tests that need a second handle. */
  connect: () => Promise<Database>;
  /** What the suite's handles hold open right now: server connections (Postgres) or references (PGlite). */
  held: () => Promise<number>;
  /** When set, the suite is skipped and the reason is shown in its name. */
  skip?: string;
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(10);
  }
}

const uuidv7 = () => Bun.randomUUIDv7();

/**
 * The behaviour @diana/db must have on every driver. Each driver's test file calls it once.
 *
 * @example
 * runDatabaseConformance({ name: "pglite", connect: () => connect({ dataDir }), held: async () => pgliteRefs(dataDir) });
 */
export function runDatabaseConformance(options: DatabaseConformanceOptions): void {
  const suite = options.skip ? describe.skip : describe;
  const title = options.skip
    ? `db conformance: ${options.name} (skipped: ${options.skip})`
    : `db conformance: ${options.name}`;

  suite(title, () => {
    let database: Database;
    const applied = async (service: (typeof serviceNames)[number]) =>
      database.sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.identifier(pgSchemaOf(service))}.__drizzle_migrations`;
    const journal = (service: (typeof serviceNames)[number]) =>
      readMigrationFiles({ migrationsFolder: migrationsFolder(service) }).length;

    beforeAll(async () => {
      database = await options.connect();
    });
    afterAll(async () => {
      await database?.close();
    });

    test("migrate twice in a row applies each migration once", async () => {
      await database.migrate("gateway");
      await database.migrate("gateway");
      expect(await applied("gateway")).toEqual([{ n: journal("gateway") }]);
    });

    test("concurrent migrations of one schema from two handles apply each migration once", async () => {
      await database.sql`drop schema if exists kucoin cascade`;
      const other = await options.connect();
      try {
        await Promise.all([0, 1, 2].flatMap(() => [database.migrate("kucoin"), other.migrate("kucoin")]));
      } finally {
        await other.close();
      }
      expect(await applied("kucoin")).toEqual([{ n: journal("kucoin") }]);
    });

    test("all eleven service schemas migrate, concurrently, with their tables", async () => {
      await Promise.all(serviceNames.map((s) => database.migrate(s)));
      const rows = await database.sql<{ schema: string; table: string }>`
        select table_schema as schema, table_name as table from information_schema.tables
        where table_schema in ${serviceNames.map(pgSchemaOf)} order by 1, 2`;
      // Every schema has the migration history and the platform tables; services add their own.
      for (const service of serviceNames) {
        const tables = rows.filter((r) => r.schema === pgSchemaOf(service)).map((r) => r.table);
        expect(tables).toEqual(expect.arrayContaining(["__drizzle_migrations", "inbox", "outbox"]));
      }
      expect(rows.filter((r) => r.schema === "registry").map((r) => r.table)).toContain("instance_history");
      expect(pgSchemaOf("risk-guard")).toBe("risk_guard");
    });

    test("an outbox row written in a transaction is read back with its defaults", async () => {
      await database.migrate("trading");
      const db = database.forService("trading");
      const { outbox } = await import("./schema/trading");
      const id = uuidv7();
      const payload = { specversion: "1.0", id, type: "order.placed", data: { qty: "1.5" } };
      await db.transaction(async (tx) => {
        await tx.insert(outbox).values({ id, aggregateId: "order-1", type: "order.placed", payload });
      });
      const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
      expect(row).toMatchObject({
        id,
        aggregateId: "order-1",
        payload,
        headers: {},
        status: "pending",
        attempts: 0,
      });
      expect(row!.availableAt).toBeInstanceOf(Date);
      expect(row!.sentAt).toBeNull();
      expect(await db.query.outbox.findFirst({ where: eq(outbox.id, id) })).toMatchObject({ id });
    });

    test("a rolled-back transaction leaves no outbox row", async () => {
      await database.migrate("trading");
      const db = database.forService("trading");
      const { outbox } = await import("./schema/trading");
      const id = uuidv7();
      const failure = new Error("business rule failed");
      const result = db.transaction(async (tx) => {
        await tx.insert(outbox).values({ id, aggregateId: "order-2", type: "order.placed", payload: {} });
        expect(await tx.select().from(outbox).where(eq(outbox.id, id))).toHaveLength(1);
        throw failure;
      });
      expect(result).rejects.toBe(failure);
      await result.catch(() => {});
      expect(await db.select().from(outbox).where(eq(outbox.id, id))).toEqual([]);
    });

    test("constraint violations carry the Postgres code on err.cause.code", async () => {
      await database.migrate("dashboard");
      const db = database.forService("dashboard");
      const { inbox, outbox } = await import("./schema/dashboard");
      await db.insert(inbox).values({ consumer: "positions", eventId: "e-1" });
      const duplicate = await db
        .insert(inbox)
        .values({ consumer: "positions", eventId: "e-1" })
        .catch((e: { cause?: { code?: string } }) => e);
      expect(duplicate).toMatchObject({ cause: { code: "23505" } });
      const inserted = await db
        .insert(inbox)
        .values({ consumer: "positions", eventId: "e-1" })
        .onConflictDoNothing()
        .returning();
      expect(inserted).toEqual([]);
      const badStatus = await database.sql`
        insert into dashboard.outbox (id, aggregate_id, type, payload, status)
        values (${uuidv7()}, 'a', 't', '{}', 'bogus')`.catch((e: { cause?: { code?: string } }) => e);
      expect(badStatus).toMatchObject({ cause: { code: "23514" } });
      expect(outbox.status.enumValues).toEqual(["pending", "sent", "dead"]);
    });

    test("registry history rows get ids and timestamps", async () => {
      await database.migrate("registry");
      const db = database.forService("registry");
      const { instanceHistory } = await import("./schema/registry");
      const rows = await db
        .insert(instanceHistory)
        .values([
          { instanceId: "i-1", service: "trading", status: "up", reason: "registered" },
          {
            instanceId: "i-1",
            service: "trading",
            status: "draining",
            reason: "operator",
            detail: { by: "ada" },
          },
        ])
        .returning();
      expect(rows.map((r) => r.status)).toEqual(["up", "draining"]);
      expect(rows[1]!.id).toBeGreaterThan(rows[0]!.id);
      expect(rows[0]!.at).toBeInstanceOf(Date);
    });

    test("listen receives notifications until unsubscribed; a rolled-back notify is never sent", async () => {
      const first: string[] = [];
      const second: string[] = [];
      const unlisten = await database.listen("diana_conformance", (p) => first.push(p));
      await database.notify("diana_conformance", "one");
      await until(() => first.length === 1, "the first notification");
      await database
        .forService("trading")
        .transaction(async (tx) => {
          await tx.execute(sql`select pg_notify('diana_conformance', 'rolled-back')`);
          throw new Error("rollback");
        })
        .catch(() => {});
      await unlisten();
      const unlistenSecond = await database.listen("diana_conformance", (p) => second.push(p));
      await database.notify("diana_conformance", "two");
      await until(() => second.length === 1, "the second notification");
      expect(first).toEqual(["one"]);
      expect(second).toEqual(["two"]);
      await unlistenSecond();
    });

    test("session: a connection of its own keeps its advisory locks until released (none on PGlite)", async () => {
      if (database.kind === "pglite") {
        expect(database.session).toBeUndefined();
        return;
      }
      if (!database.session) throw new Error("a Postgres handle must open sessions");
      const session = await database.session();
      const held = async () =>
        (
          await database.sql<{ n: number }>`select count(*)::int as n from pg_locks
            where locktype = 'advisory' and classid = 7 and objid = 11 and granted`
        )[0]!.n;
      const [taken] = (await session.db.execute(
        sql`select pg_try_advisory_lock(7, 11) as ok`,
      )) as unknown as [{ ok: boolean }];
      expect(taken!.ok).toBe(true);
      // Held across statements, and by that session only: the pool's connections cannot take it.
      expect(await held()).toBe(1);
      const [other] = await database.sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(7, 11) as ok`;
      expect(other!.ok).toBe(false);
      await session.release();
      await session.release();
      expect(await held()).toBe(0);
      // One left open ends with its handle.
      const second = await options.connect();
      const left = await second.session!();
      await left.db.execute(sql`select pg_advisory_lock(7, 12)`);
      await second.close();
      // The server lets go once the closed connection's backend has exited.
      await until(
        async () =>
          (
            await database.sql<{ n: number }>`select count(*)::int as n from pg_locks
              where locktype = 'advisory' and classid = 7 and objid = 12`
          )[0]!.n === 0,
        "the closed handle's session lock to go",
      );
    });

    test("listen rejects channel names that are not plain identifiers", async () => {
      expect(() => database.listen("bad; drop table x", () => {})).toThrow(RangeError);
    });

    test("ping answers; a closed handle fails with DB_CONNECTION_FAILED and releases what it held", async () => {
      await database.ping();
      const before = await options.held();
      const other = await options.connect();
      await other.ping();
      expect(await options.held()).toBeGreaterThan(before);
      await other.close();
      await other.close();
      await until(async () => (await options.held()) === before, "the closed handle to release its hold");
      await expect(other.ping()).rejects.toMatchObject({ code: "DB_CONNECTION_FAILED" });
      await database.ping();
    });
  });
}
