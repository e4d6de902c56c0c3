import { testPlatformDeps, testServiceToken } from "@diana/core/testing";
import { connect, type Database } from "@diana/db";
import { createTestDatabase, type TestDatabase } from "@diana/db/testing";
import { type ConfigDeps, createApp } from "../src/app";

export const auth = { authorization: `Bearer ${testServiceToken}`, "content-type": "application/json" };

/** A fresh Postgres database migrated for config; `close()` drops it. */
export async function configDatabase(): Promise<{
  database: Database;
  testDb: TestDatabase;
  close(): Promise<void>;
}> {
  const testDb = await createTestDatabase();
  const database = await connect({ url: testDb.url, max: 20 });
  await database.migrate("config");
  return {
    database,
    testDb,
    async close() {
      await database.close();
      await testDb.drop();
    },
  };
}

/** The config service over `database`, with silent logs and the test service token. */
export function configApp(database: Database, overrides: Partial<ConfigDeps> = {}) {
  return createApp({ ...testPlatformDeps(), database, ...overrides });
}

/** Calls an app in-process. */
export function caller(app: { handle(request: Request): Promise<Response> }) {
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) =>
    app.handle(
      new Request(`http://localhost${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
}
