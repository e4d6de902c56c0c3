import { afterAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import postgres from "postgres";
import { runDatabaseConformance } from "./conformance";
import { connect, migrationsFolder } from "./index";
import { createTestDatabase, requirePostgres } from "./testing";

const server = await requirePostgres();
const testDb = server.available ? await createTestDatabase() : undefined;
const applicationName = `diana-conformance-${crypto.randomUUID().slice(0, 8)}`;
// Counts the suite's server connections from outside, through the admin database.
const admin = testDb
  ? postgres(process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", { max: 1 })
  : undefined;

afterAll(async () => {
  await admin?.end({ timeout: 5 });
  await testDb?.drop();
});

runDatabaseConformance({
  name: "postgres",
  skip: server.reason,
  connect: () => connect({ url: testDb!.url, max: 4, applicationName }),
  held: async () => {
    const [row] =
      await admin!`select count(*)::int as n from pg_stat_activity where datname = ${testDb!.name} and application_name = ${applicationName}`;
    return row!.n as number;
  },
});

(server.available ? describe : describe.skip)("postgres connect", () => {
  test("an unreachable server fails with DB_CONNECTION_FAILED naming the host, never the password", async () => {
    const error = await connect({ url: "postgres://diana:hunter2-secret@127.0.0.1:1/diana" }).catch(
      (e: Error) => e,
    );
    expect(error).toMatchObject({ name: "DbConnectionError", code: "DB_CONNECTION_FAILED" });
    expect((error as Error).message).toContain("127.0.0.1:1/diana");
    expect((error as Error).message).not.toContain("hunter2-secret");
  });

  test("drizzle's parameterized queries run as prepared statements, in and out of transactions; ?prepare=false turns them off", async () => {
    const statements = (db: Awaited<ReturnType<typeof connect>>) =>
      db.db
        .transaction(async (tx) => {
          await tx.execute(sql`select ${1}::int as in_tx`);
          await tx.transaction((sp) => sp.execute(sql`select ${2}::int as in_savepoint`));
        })
        .then(async () => {
          await db.db.execute(sql`select ${3}::int as outside`);
          // One connection: the statements this session holds are the ones just run.
          const rows = await db.sql<{ statement: string }>`select statement from pg_prepared_statements`;
          return rows
            .map((r) => r.statement)
            .filter((s) => /::int as /.test(s) && !s.includes("pg_prepared"));
        });
    const prepared = await connect({ url: testDb!.url, max: 1 });
    const off = await connect({ url: `${testDb!.url}?prepare=false`, max: 1 });
    try {
      expect((await statements(prepared)).sort()).toEqual([
        "select $1::int as in_savepoint",
        "select $1::int as in_tx",
        "select $1::int as outside",
      ]);
      expect(await statements(off)).toEqual([]);
    } finally {
      await prepared.close();
      await off.close();
    }
  });

  test("the pool hands out the connection used last: one-at-a-time queries stay on one backend", async () => {
    // postgres.js as published takes the connection idle longest (FIFO) and wakes every backend in turn;
    // patches/postgres@3.4.9.patch makes it LIFO.
    const db = await connect({ url: testDb!.url, max: 4 });
    type Executor = Pick<typeof db.db, "execute">;
    const pidOf = async (executor: Executor, pause = 0) => {
      const rows = await executor.execute(sql`select pg_backend_pid() as pid, pg_sleep(${pause})`);
      return (rows as unknown as Array<{ pid: number }>)[0]!.pid;
    };
    try {
      // All four connections open and idle: one transaction holds one while three more run at once.
      const opened = await db.db.transaction(() =>
        Promise.all(Array.from({ length: 3 }, () => db.db.transaction((tx) => pidOf(tx, 0.05)))),
      );
      expect(new Set(opened).size).toBe(3);
      const sequential = [];
      for (let i = 0; i < 8; i++) sequential.push(await pidOf(db.db));
      expect(new Set(sequential).size).toBe(1);
      const inTransactions = [];
      for (let i = 0; i < 4; i++) inTransactions.push(await db.db.transaction((tx) => pidOf(tx)));
      expect(new Set(inTransactions).size).toBe(1);
    } finally {
      await db.close();
    }
  });

  test("a database that does not exist fails with DB_CONNECTION_FAILED", async () => {
    const url = new URL(testDb!.url);
    url.pathname = `/${testDb!.name}_missing`;
    await expect(connect({ url: url.toString() })).rejects.toMatchObject({ code: "DB_CONNECTION_FAILED" });
  });

  test("two processes migrating one schema at once apply each migration once", async () => {
    const database = await connect({ url: testDb!.url, max: 1 });
    await database.sql`drop schema if exists orchestration cascade`;
    const script = `import { connect } from ${JSON.stringify(`${import.meta.dir}/index.ts`)};
      const db = await connect({ url: process.env.DIANA_TEST_URL });
      await Promise.all([db.migrate("orchestration"), db.migrate("orchestration")]);
      await db.close();`;
    const procs = [0, 1].map(() =>
      Bun.spawn(["bun", "-e", script], {
        env: { ...process.env, DIANA_TEST_URL: testDb!.url },
        stderr: "pipe",
      }),
    );
    const codes = await Promise.all(procs.map((p) => p.exited));
    const errors = await Promise.all(procs.map((p) => new Response(p.stderr).text()));
    expect({ codes, errors }).toEqual({ codes: [0, 0], errors: ["", ""] });
    expect(await database.sql`select count(*)::int as n from orchestration.__drizzle_migrations`).toEqual([
      { n: readMigrationFiles({ migrationsFolder: migrationsFolder("orchestration") }).length },
    ]);
    await database.close();
  });

  test("drop() removes the test database even with connections open", async () => {
    const extra = await createTestDatabase();
    const database = await connect({ url: extra.url, max: 1 });
    await database.ping();
    await extra.drop();
    const [row] = await admin!`select count(*)::int as n from pg_database where datname = ${extra.name}`;
    expect(row!.n).toBe(0);
    await database.close();
  });
});
