import { requireServer, type ServerAvailability } from "@diana/core/testing";
import postgres from "postgres";
import { describeUrl } from "./postgres";

/** A throwaway database on the test server. */
export interface TestDatabase {
  /** URL of the fresh database, for `connect({ url })`. */
  url: string;
  /** Its name, `diana_test_<random>`. */
  name: string;
  /** Terminates its connections and drops it. Idempotent. */
  drop(): Promise<void>;
}

/** Options for {@link createTestDatabase}. */
export interface TestDatabaseOptions {
  /** Server to create it on. Defaults to `$TEST_DATABASE_ADMIN_URL` or `postgres://postgres@127.0.0.1:5432/postgres`. */
  adminUrl?: string;
}

const defaultAdminUrl = () =>
  process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const admin = (url: string) => postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });

/**
 * Whether the test Postgres answers: `{ available }`, or `{ available: false, reason }` to skip with — in CI
 * (`CI=true`) it throws instead, since there a missing server is a failure.
 *
 * @example
 * const pg = await requirePostgres();
 * const suite = pg.available ? describe : describe.skip;
 */
export function requirePostgres(options: TestDatabaseOptions = {}): Promise<ServerAvailability> {
  const url = options.adminUrl ?? defaultAdminUrl();
  return requireServer(`Postgres at ${describeUrl(url)}`, async () => {
    const sql = admin(url);
    try {
      await sql`select 1`;
    } finally {
      await sql.end({ timeout: 0 });
    }
  });
}

/**
 * Creates a fresh database `diana_test_<random>` on the test server and returns its URL.
 *
 * @example
 * const testDb = await createTestDatabase();
 * const database = await connect({ url: testDb.url });
 * afterAll(async () => { await database.close(); await testDb.drop(); });
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? defaultAdminUrl();
  const name = `diana_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const sql = admin(adminUrl);
  try {
    await sql`create database ${sql(name)}`;
  } finally {
    await sql.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    name,
    drop() {
      dropped ??= (async () => {
        const sql = admin(adminUrl);
        try {
          await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
          await sql`drop database if exists ${sql(name)} with (force)`;
        } finally {
          await sql.end({ timeout: 5 });
        }
      })();
      return dropped;
    },
  };
}
