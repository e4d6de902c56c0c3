import type { EventEnvelope } from "@diana/core/bus";
import { deleteInBatches, type SqlExecutor } from "@diana/core/outbox";
import { HttpError } from "@diana/core/service";
import type { Database } from "@diana/db";
import { journal } from "@diana/db/schema/monitor";
import { and, desc, eq, like, lt, or, sql } from "drizzle-orm";
import type { JournalEntrySchema } from "../contract";

/** One fleet event as the journal keeps and serves it. */
export type JournalEntry = typeof JournalEntrySchema.static;

export interface JournalQuery {
  limit: number;
  /** Only events of this type, or of every type under a prefix: `registry.instance.*`. */
  type?: string;
  /** Pages back: entries older than this one (by time, then id). */
  before?: string;
}

/** `a.b` matches that type; `a.*` every type that starts `a.` (types never hold `%` or `_`: see the route). */
const typeFilter = (type: string | undefined) =>
  type === undefined
    ? undefined
    : type.endsWith(".*")
      ? like(journal.type, `${type.slice(0, -1)}%`)
      : eq(journal.type, type);

/**
 * The fleet journal in `monitor.journal`: `record` writes an event in the consumer's inbox
 * transaction (so a redelivery is one row), `list` reads newest first, `sweep` drops what is past
 * the retention.
 */
export function createJournal(database: Database) {
  const db = database.forService("monitor");
  return {
    /**
     * The inbox makes a redelivery one row; `on conflict` covers what the inbox no longer remembers: a
     * forced replay of an event past the inbox's retention (7 days) but within the journal's (30).
     */
    async record(tx: SqlExecutor, event: EventEnvelope): Promise<void> {
      await tx.execute(sql`insert into ${journal} (id, type, subject, source, data, occurred_at)
        values (${event.id}, ${event.type}, ${event.subject ?? null}, ${event.source},
          ${JSON.stringify(event.data)}::jsonb, ${event.time}::timestamptz)
        on conflict (id) do nothing`);
    },

    /** Deletes entries that happened more than `retentionMs` ago, a batch at a time; returns how many. */
    sweep: (retentionMs: number): Promise<number> =>
      deleteInBatches(1_000, async (limit) => {
        const [row] = await database.sql<{ n: number }>(sql`with old as (
            select id from ${journal}
            where occurred_at < clock_timestamp() - ${retentionMs}::float8 * interval '1 millisecond'
            limit ${limit}::int
          ), gone as (delete from ${journal} j using old where j.id = old.id returning 1)
          select count(*)::int as n from gone`);
        return row?.n ?? 0;
      }),

    async list(query: JournalQuery): Promise<JournalEntry[]> {
      const anchor = query.before
        ? (await db.select().from(journal).where(eq(journal.id, query.before)).limit(1))[0]
        : undefined;
      if (query.before && !anchor)
        throw new HttpError(
          404,
          "JOURNAL_ENTRY_NOT_FOUND",
          `no journal entry ${query.before} to page back from`,
        );
      const rows = await db
        .select()
        .from(journal)
        .where(
          and(
            typeFilter(query.type),
            anchor
              ? or(
                  lt(journal.occurredAt, anchor.occurredAt),
                  and(eq(journal.occurredAt, anchor.occurredAt), lt(journal.id, anchor.id)),
                )
              : undefined,
          ),
        )
        .orderBy(desc(journal.occurredAt), desc(journal.id))
        .limit(query.limit);
      return rows.map((r) => ({
        id: r.id,
        type: r.type,
        subject: r.subject,
        source: r.source,
        data: r.data,
        occurredAt: r.occurredAt.toISOString(),
        receivedAt: r.receivedAt.toISOString(),
      }));
    },
  };
}

export type Journal = ReturnType<typeof createJournal>;
