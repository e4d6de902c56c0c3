import { afterAll, describe, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { runDatabaseConformance } from "./conformance";
import { connect, migrationsFolder, pgliteRefs } from "./index";

const dataDir = join(tmpdir(), `diana-pglite-${crypto.randomUUID().slice(0, 8)}`);

afterAll(async () => {
  expect(pgliteRefs(dataDir)).toBe(0);
  await rm(dataDir, { recursive: true, force: true });
});

runDatabaseConformance({
  name: "pglite",
  connect: () => connect({ dataDir }),
  held: async () => pgliteRefs(dataDir),
});

describe("shared PGlite", () => {
  test("handles in one process share one instance that closes with the last handle, and data persists", async () => {
    const [a, b] = await Promise.all([connect({ dataDir }), connect({ dataDir })]);
    expect(a.kind).toBe("pglite");
    expect(pgliteRefs(dataDir)).toBe(2);
    await a.sql`create table if not exists shared_probe (v text)`;
    await a.sql`insert into shared_probe values ('written by a')`;
    expect(await b.sql`select v from shared_probe`).toEqual([{ v: "written by a" }]);
    await a.close();
    expect(await b.sql`select count(*)::int as n from shared_probe`).toEqual([{ n: 1 }]);
    await b.close();
    expect(pgliteRefs(dataDir)).toBe(0);

    const reopened = await connect({ dataDir });
    expect(await reopened.sql`select v from shared_probe`).toEqual([{ v: "written by a" }]);
    const migrations = readMigrationFiles({ migrationsFolder: migrationsFolder("gateway") }).length;
    expect(await reopened.sql`select count(*)::int as n from gateway.__drizzle_migrations`).toEqual([
      { n: migrations },
    ]);
    await reopened.close();
  });
});
