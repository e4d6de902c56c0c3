import { sql } from "drizzle-orm";

/** The inbox's SQL, for one service schema's `inbox` table. */
export function inboxQueries(schema: string) {
  const table = sql`${sql.identifier(schema)}.${sql.identifier("inbox")}`;
  return {
    /** Returns a row only for the first delivery; a concurrent duplicate waits for the first to finish. */
    claim: (consumer: string, eventId: string) =>
      sql`insert into ${table} (consumer, event_id) values (${consumer}, ${eventId})
        on conflict do nothing returning 1 as claimed`,
    cleanup: (retentionMs: number, limit: number) =>
      sql`with old as (
        select consumer, event_id from ${table}
        where processed_at < clock_timestamp() - ${retentionMs}::float8 * interval '1 millisecond'
        limit ${limit}::int
      ), deleted as (
        delete from ${table} i using old where i.consumer = old.consumer and i.event_id = old.event_id returning 1
      ) select count(*)::int as deleted from deleted`,
  };
}
