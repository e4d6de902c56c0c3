import { systemClock } from "../bus/envelope";
import type { Clock, DeadLetterOperations, EventHandler, EventSchemas, RetryOptions } from "../bus/types";
import { deleteInBatches, rowsOf } from "../outbox/rows";
import type { OutboxDatabase } from "../outbox/types";
import { ReplayOutsideRetentionError } from "./errors";
import { inboxQueries } from "./queries";
import { type InboxHandler, type WithInboxOptions, withInbox } from "./with-inbox";

export interface InboxOptions {
  database: Pick<OutboxDatabase, "db">;
  /** The consuming service's Postgres schema. */
  schema: string;
  /** How long handled event ids are kept. Defaults to 7 days. */
  retentionMs?: number;
  /**
   * The longest retry ladder of the service's subscriptions: the retention must outlast it, or a late
   * retry of a handled event would run again. Defaults to none.
   */
  retry?: RetryOptions;
  clock?: Clock;
}

export interface Inbox {
  readonly retentionMs: number;
  /** {@link withInbox} bound to this inbox's schema. */
  handler<S extends EventSchemas>(
    handler: InboxHandler<S>,
    options?: Pick<WithInboxOptions, "consumer" | "onDuplicate">,
  ): EventHandler<S>;
  /** Deletes ids older than the retention; resolves with how many. */
  cleanup(): Promise<number>;
  /**
   * Replays dead letters through `dlq`, refusing (with {@link ReplayOutsideRetentionError}, replaying nothing)
   * when any selected event is older than the retention, unless `force`.
   */
  replay(
    dlq: DeadLetterOperations,
    consumer: string,
    options?: { ids?: readonly string[]; force?: boolean },
  ): Promise<{ replayed: number }>;
}

const DAY = 86_400_000;

/**
 * The inbox of one service schema: idempotent handlers, retention and retention-aware DLQ replay.
 *
 * @example
 * const inbox = createInbox({ database, schema: "dashboard", retry: DEFAULT_RETRY });
 * await bus.subscribe({ consumer: "dashboard", patterns: ["order.*"] }, inbox.handler(onOrderEvent));
 * await inbox.replay(bus.dlq, "dashboard", { ids });
 */
export function createInbox(options: InboxOptions): Inbox {
  const retentionMs = options.retentionMs ?? 7 * DAY;
  const longestRetryMs = (options.retry?.delaysMs ?? []).reduce((a, b) => a + b, 0);
  if (retentionMs <= longestRetryMs) {
    throw new TypeError(
      `inbox retention (${retentionMs} ms) must outlast the retry ladder (${longestRetryMs} ms in all)`,
    );
  }
  const clock = options.clock ?? systemClock;
  const queries = inboxQueries(options.schema);

  return {
    retentionMs,
    handler: (handler, handlerOptions) =>
      withInbox({ database: options.database, schema: options.schema, ...handlerOptions }, handler),

    cleanup: () =>
      deleteInBatches(5_000, async (limit) => {
        const [row] = rowsOf<{ deleted: number }>(
          await options.database.db.execute(queries.cleanup(retentionMs, limit)),
        );
        return row?.deleted ?? 0;
      }),

    async replay(dlq, consumer, replayOptions = {}) {
      if (!replayOptions.force) {
        const oldest = clock.now() - retentionMs;
        const wanted = replayOptions.ids ? new Set(replayOptions.ids) : undefined;
        const letters = await dlq.browse(consumer, { limit: 100_000 });
        const tooOld = letters
          .filter((l) => !wanted || wanted.has(l.id))
          .filter((l) => l.event !== null && Date.parse(l.event.time) < oldest)
          .map((l) => l.id);
        if (tooOld.length > 0) throw new ReplayOutsideRetentionError(consumer, tooOld, retentionMs);
      }
      return dlq.replay(consumer, replayOptions.ids ? { ids: replayOptions.ids } : undefined);
    },
  };
}
