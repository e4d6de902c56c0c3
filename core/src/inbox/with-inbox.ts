import type { DeliveryContext, EventHandler, EventOf, EventSchemas } from "../bus/types";
import { rowsOf } from "../outbox/rows";
import type { OutboxDatabase, SqlExecutor } from "../outbox/types";
import { inboxQueries } from "./queries";

/** A handler that writes its effects through `tx`, the transaction that also records the event as handled. */
export type InboxHandler<S extends EventSchemas> = (
  event: EventOf<S>,
  context: DeliveryContext,
  tx: SqlExecutor,
) => Promise<void> | void;

export interface WithInboxOptions {
  database: Pick<OutboxDatabase, "db">;
  /** The consuming service's Postgres schema, e.g. `"dashboard"`. */
  schema: string;
  /** Inbox key; defaults to the subscription's consumer name. */
  consumer?: string;
  /** Called when a delivery is skipped because its event was already handled (redelivery, replay, republish). */
  onDuplicate?(eventId: string, consumer: string): void;
}

/**
 * Wraps a handler so each event has exactly one effect: the handler runs in a transaction that first
 * inserts `(consumer, event id)` into the schema's `inbox`; an event seen before is acknowledged without
 * running it, and a handler that throws rolls back both its writes and the inbox row, so the retry runs again.
 *
 * @example
 * await bus.subscribe({ consumer: "dashboard", patterns: ["order.*"] },
 *   withInbox({ database, schema: "dashboard" }, async (event, _ctx, tx) => {
 *     await tx.execute(sql`insert into dashboard.trades …`);
 *   }));
 */
export function withInbox<S extends EventSchemas>(
  options: WithInboxOptions,
  handler: InboxHandler<S>,
): EventHandler<S> {
  const queries = inboxQueries(options.schema);
  return (event, context) =>
    options.database.db.transaction(async (tx) => {
      const consumer = options.consumer ?? context.consumer;
      const claimed = rowsOf(await tx.execute(queries.claim(consumer, event.id)));
      if (claimed.length === 0) {
        options.onDuplicate?.(event.id, consumer);
        return;
      }
      await handler(event, context, tx);
    });
}
