/**
 * What both outbox benches run on: their own database (the `trading` schema migrated) and vhost, a pool
 * for Diana's relay, one for the reference relay and one for the bench's own queries, each naming
 * itself (`application_name`) so that its Postgres backends' CPU counts to its side. `close()` runs the
 * registered closers in reverse, then ends the pools and drops the database and vhost (also on an
 * interrupt).
 */
import { connect } from "@diana/db";
import { createTestDatabase } from "@diana/db/testing";
import postgres from "postgres";
import { dropOnInterrupt } from "../lib/interrupt";
import { scratchVhost } from "../lib/vhost";

/** `application_name` of each side's Postgres connections. */
export const DIANA_RELAY = "diana-relay";
export const REFERENCE_RELAY = "reference-relay";
export const GRAPHILE = "graphile-worker";
export const PRODUCER = "producer";

export async function outboxScratch() {
  const testDb = await createTestDatabase();
  const dropDatabase = dropOnInterrupt(() => testDb.drop());
  const vhost = await scratchVhost().catch(async (error) => {
    await dropDatabase();
    throw error;
  });
  const as = (name: string) => `${testDb.url}?application_name=${name}`;
  const database = await connect({ url: as(DIANA_RELAY), max: 24 });
  const raw = postgres(as(REFERENCE_RELAY), { max: 8, onnotice: () => {} });
  const admin = postgres(as("bench-admin"), { max: 1, onnotice: () => {} });
  const closers: Array<() => Promise<unknown>> = [];
  return {
    /** The database URL as a pool named `name` sees it. */
    as,
    amqpUrl: vhost.url,
    database,
    raw,
    admin,
    /** Run by `close()` in reverse order: push a bus after its connection. */
    closers,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
      await raw.end({ timeout: 5 });
      await admin.end({ timeout: 5 });
      await database.close();
      await dropDatabase();
      await vhost.drop().catch(() => {});
    },
  };
}
