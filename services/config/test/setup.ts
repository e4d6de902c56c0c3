import * as testing from "@diana/core/testing";
import { testPlatformDeps, testServiceToken } from "@diana/core/testing";
import { connect, type Database } from "@diana/db";
import { createTestDatabase, type TestDatabase } from "@diana/db/testing";
import { type ConfigDeps, createApp } from "../src/app";

// The service-token scheme is moving to tokens signed with the shared secret; use the kit's helper once it has one.
const signed = (testing as { testServiceBearer?: () => Promise<string> }).testServiceBearer;

/** `Bearer <service token>` as config's writes need it. */
export const bearer = async (): Promise<string> => (signed ? signed() : `Bearer ${testServiceToken}`);

/** The bare service token, for `createConfigClient({ token })`. */
export const serviceToken = async () => (await bearer()).slice("Bearer ".length);

/** Headers of an authorised JSON write. */
export const auth = async () => ({ authorization: await bearer(), "content-type": "application/json" });

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
  return async (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    app.handle(
      new Request(`http://localhost${path}`, {
        method,
        headers: headers ?? (await auth()),
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
}
