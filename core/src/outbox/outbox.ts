import type { EventCatalog } from "../bus/catalog";
import { createEnvelope, systemClock } from "../bus/envelope";
import type { Clock, EventEnvelope, EventOf, EventSchemas, PublishInput } from "../bus/types";
import { outboxQueries } from "./queries";
import { rowsOf } from "./rows";
import type { DeadOutboxRow, OutboxDatabase, RequeueSelection, SqlExecutor } from "./types";

export interface OutboxOptions<S extends EventSchemas> {
  database: OutboxDatabase;
  /** The service's Postgres schema holding its `outbox` table, e.g. `"trading"` or `"risk_guard"`. */
  schema: string;
  /** Payloads are validated against it on enqueue, inside the business transaction. */
  catalog: EventCatalog<S>;
  /** CloudEvents `source`, e.g. `"/services/trading"`. */
  source: string;
  /** Defaults to `Date`. */
  clock?: Clock;
  /** The caller's current `traceparent`, stored when an event brings none. Defaults to none. */
  traceparent?: () => string | undefined;
}

/** A service's transactional outbox: write events in the business transaction; a relay publishes them. */
export interface Outbox<S extends EventSchemas = EventSchemas> {
  readonly database: OutboxDatabase;
  readonly schema: string;
  /** `outbox_<schema>`: notified when a transaction that enqueued commits. */
  readonly channel: string;
  /**
   * Validates and writes events into the outbox within `tx`, and notifies the relay on commit. A rollback
   * leaves nothing. Each event's `id` is its row's id (UUIDv7), so consumers dedupe on it; `subject` is
   * the aggregate id (defaults to the event id: an aggregate of its own).
   * @throws InvalidEventError, UnknownEventTypeError — before anything is written
   */
  enqueue(tx: SqlExecutor, events: PublishInput<S> | readonly PublishInput<S>[]): Promise<EventOf<S>[]>;
  dead(options?: { limit?: number }): Promise<DeadOutboxRow[]>;
  requeue(selection: RequeueSelection): Promise<{ requeued: number }>;
  readonly queries: ReturnType<typeof outboxQueries>;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,55}$/;
const iso = (value: string | Date) => new Date(value).toISOString();

/**
 * Creates the outbox of one service schema.
 *
 * @example
 * const outbox = createOutbox({ database, schema: "trading", catalog: events, source: "/services/trading" });
 * await database.db.transaction(async (tx) => {
 *   await tx.insert(orders).values(order);
 *   await outbox.enqueue(tx, { type: "order.placed", subject: order.id, data: { orderId: order.id } });
 * });
 */
export function createOutbox<S extends EventSchemas>(options: OutboxOptions<S>): Outbox<S> {
  if (!SCHEMA.test(options.schema))
    throw new TypeError(`schema must match ${SCHEMA} (got "${options.schema}")`);
  const clock = options.clock ?? systemClock;
  const queries = outboxQueries(options.schema);
  const channel = `outbox_${options.schema}`;
  const { db } = options.database;

  return {
    database: options.database,
    schema: options.schema,
    channel,
    queries,

    async enqueue(tx, events) {
      const list = (Array.isArray(events) ? events : [events]) as readonly PublishInput<S>[];
      if (list.length === 0) return [];
      const envelopes: EventEnvelope[] = [];
      const rows = list.map((input) => {
        options.catalog.assert(input.type, input.data);
        const traceparent = input.traceparent ?? options.traceparent?.();
        const envelope = createEnvelope(
          { ...input, ...(traceparent ? { traceparent } : {}) } as PublishInput<S>,
          {
            source: options.source,
            clock,
          },
        );
        envelopes.push(envelope);
        return {
          id: envelope.id,
          aggregate_id: envelope.subject ?? envelope.id,
          type: envelope.type,
          payload: envelope,
          headers: traceparent ? { traceparent } : {},
        };
      });
      await tx.execute(queries.insert(rows, channel));
      return envelopes as EventOf<S>[];
    },

    async dead(deadOptions) {
      const rows = rowsOf<{
        id: string;
        type: string;
        aggregate_id: string;
        attempts: number;
        last_error: string | null;
        created_at: string | Date;
      }>(await db.execute(queries.dead(deadOptions?.limit ?? 50)));
      return rows.map((r) => ({
        id: r.id,
        type: r.type,
        aggregateId: r.aggregate_id,
        attempts: r.attempts,
        lastError: r.last_error,
        createdAt: iso(r.created_at),
      }));
    },

    async requeue(selection) {
      const ids = "all" in selection ? "all" : selection.ids;
      if (ids !== "all" && ids.length === 0) return { requeued: 0 };
      return { requeued: rowsOf(await db.execute(queries.requeue(ids))).length };
    },
  };
}
