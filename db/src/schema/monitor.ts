import { index, jsonb, pgSchema, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `monitor` Postgres schema: everything the monitor service stores. */
export const schema = pgSchema("monitor");

export const { outbox, inbox } = platformTables(schema);

/**
 * The fleet journal: every platform event the monitor consumed (config releases first), kept across
 * restarts so an operator can see what changed in the fleet and when. Written through the inbox, so a
 * redelivered event is one row.
 */
export const journal = schema.table(
  "journal",
  {
    /** The event's id (UUIDv7). */
    id: uuid("id").primaryKey(),
    type: text("type").notNull(),
    /** The event's subject: the namespace of a release. */
    subject: text("subject"),
    /** The publishing service, from the envelope's `source`. */
    source: text("source").notNull(),
    data: jsonb("data").notNull(),
    /** When the event happened (the envelope's `time`). */
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("journal_occurred_at_idx").on(t.occurredAt.desc(), t.id.desc())],
);
