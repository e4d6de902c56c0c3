import type { UserRole } from "@diana/core/auth";
import { createTestAuth, testPlatformDeps, testServiceBearer } from "@diana/core/testing";
import { connect, type Database } from "@diana/db";
import { createTestDatabase, type TestDatabase } from "@diana/db/testing";
import { type ConfigDeps, createApp } from "../src/app";

/** The issuer of the tests' user tokens; config verifies with its key set. */
export const testAuth = await createTestAuth();

/** Headers of a JSON call as a signed-in user (`ana` unless named otherwise). */
export const as = async (role: UserRole, name = "ana") => ({
  authorization: `Bearer ${await testAuth.token(role, name)}`,
  "content-type": "application/json",
});

/** Headers of a JSON call with a service token, as the config client sends. */
export const asService = async () => ({
  authorization: await testServiceBearer(),
  "content-type": "application/json",
});

/** Headers of a write any route allows a user to make: `ana`, an admin. */
export const auth = () => as("admin");

/** The bare service token, for `createConfigClient({ token })`. */
export const serviceToken = async () => (await testServiceBearer()).slice("Bearer ".length);

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

/** The config service over `database`, with silent logs, the test service token and roles checked. */
export function configApp(database: Database, overrides: Partial<ConfigDeps> = {}) {
  return createApp({ ...testPlatformDeps({ auth: testAuth.users }), database, ...overrides });
}

/** Calls an app in-process, as `ana` the admin unless told otherwise. */
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
