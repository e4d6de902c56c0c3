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

/** Runs `close`, giving up (with a line on stderr) after 10 s. */
async function bounded(close: () => Promise<unknown>, what: string): Promise<void> {
  let timer: Timer | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.error(`closing ${what} took over 10 s; going on`);
      resolve();
    }, 10_000);
  });
  await Promise.race([close().catch(() => {}), late]);
  clearTimeout(timer);
}

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
      // Each step is bounded, so that one that hangs cannot keep the scratch database and vhost alive.
      for (const close of closers.reverse()) await bounded(close, String(close));
      await bounded(() => raw.end({ timeout: 5 }), "the reference relay's pool");
      await bounded(() => admin.end({ timeout: 5 }), "the bench's pool");
      await bounded(() => database.close(), "Diana's pool");
      await dropDatabase();
      await vhost.drop().catch(() => {});
    },
  };
}
