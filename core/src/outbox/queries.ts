import { type SQL, sql } from "drizzle-orm";
import { shouldNotify } from "./notify-gate";
import { rowsOf } from "./rows";
import type { SqlExecutor } from "./types";

/** A pending row the relay claimed, locked until its transaction ends. */
export interface ClaimedRow {
  id: string;
  aggregate_id: string;
  type: string;
  /** The stored envelope's JSON without `traceparent` (the relay publishes this text as it is). */
  json: string;
  traceparent: string | null;
  correlationid: string | null;
  priority: number | null;
  /** Failed publishes so far; null for none. */
  attempts: number | null;
  /** Epoch milliseconds (drivers disagree on timestamp parsing; a number they agree on). */
  created_ms: number;
  /** The lowest `seq` the claim met, claimed or held back (see `claimFloor`): on the first row, else null. */
  floor: number | null;
}

export interface FailedRow {
  id: string;
  error: string;
  delayMs: number;
}

/** The outbox's SQL, for one service schema's `outbox` table. */
export function outboxQueries(schema: string) {
  const table = sql`${sql.identifier(schema)}.${sql.identifier("outbox")}`;
  const notify = shouldNotify(schema);
  const idList = (ids: readonly string[]) => sql`string_to_array(${ids.join(",")}, ',')::uuid[]`;

  return {
    /**
     * One statement: the rows, then a notification the relays get when the caller's transaction commits —
     * unless a relay is awake and will claim them anyway (see `notifyGate`).
     */
    insert(rows: readonly object[], channel: string): SQL {
      return sql`with inserted as (
        insert into ${table} (id, aggregate_id, type, payload, headers, created_at)
        select x.id, x.aggregate_id, x.type, x.payload, x.headers, clock_timestamp()
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as x(id uuid, aggregate_id text, type text, payload jsonb, headers jsonb)
      ) select pg_notify(${channel}, '') where ${notify}`;
    },

    /**
     * Run first in a claim's transaction; it sets three things for that transaction only.
     *
     * No bitmap scans: the backlog grows faster than autovacuum's statistics follow it, and a planner that
     * believes a few hundred rows are pending reads every pending row through a bitmap and sorts them, on
     * every claim; without bitmaps it walks the `seq` index and stops at the batch, whatever the backlog.
     * No sequential scans either: the table keeps a day of sent rows, and statistics taken while it was
     * small make reading it whole look cheap.
     *
     * No wait for the WAL flush at commit: the round's commit records only which rows were sent or failed.
     * Should Postgres crash before flushing it, those rows are pending again and are published again, in
     * order — at least once, as after a relay that dies between publish and commit, and consumers dedupe
     * on the event id. The events themselves were made durable by the business transactions that wrote
     * them, which keep the server's setting.
     */
    claimPlan(): SQL {
      return sql`select set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true),
        set_config('synchronous_commit', 'off', true)`;
    },

    /**
     * Up to `limit` due pending rows in insertion order, skipping rows another relay holds; of those, only
     * rows whose aggregate has no earlier pending row outside this claim (held elsewhere, backing off, or
     * not yet committed when the earlier one is) — so an aggregate's next event waits for the previous one.
     * Pending is read afresh every time: a row whose transaction commits late is simply found later.
     *
     * The check costs one index probe per claimed row, whatever the backlog: a pending row outside the
     * claim can only sit between two claimed rows of its aggregate (or before the first), so each row
     * probes the gap back to its aggregate's previous claimed row, and a row is held back when it or an
     * earlier row of its aggregate found one. (An anti-join over all pending rows read the whole backlog
     * on every claim, so claims slowed down exactly when the backlog grew.) The probe spells pending as
     * "neither sent nor dead, `sent_at` null", which only the (aggregate_id, seq) index's predicate
     * matches and the `seq` index's does not (see the schema).
     *
     * With `share`, only the aggregates of that share (by a hash of the aggregate id) are claimed: a
     * relay's workers each take their own, so one worker's claim never locks rows that wait behind
     * another's (see {@link Share}).
     *
     * With `floor`, the claim reads pending rows from that `seq` on (see `claimFloor`); the probe still
     * reads below it.
     *
     * A row comes back with as few non-null columns as it can: postgres.js decodes each one with a
     * `toString` of its own, in a profile of the relay the largest single cost per row. So `floor` is on
     * the first row only, `attempts` is null while it is 0, and the envelope's `time` is not read (the
     * AMQP timestamp comes from `created_ms`).
     */
    claim(limit: number, share?: Share, floor?: number): SQL {
      const mine =
        share && share.of > 1
          ? sql`and (hashtext(aggregate_id) & 2147483647) % ${share.of}::int = ${share.index}::int`
          : sql``;
      const from = floor === undefined ? sql`` : sql`and seq >= ${floor}::bigint`;
      return sql`with candidates as (
        select id, aggregate_id, type, payload, attempts, created_at, seq from ${table}
        where status = 'pending' and available_at <= clock_timestamp() ${mine} ${from}
        order by seq
        limit ${limit}::int
        for update skip locked
      ), probed as (
        select c.*, exists (
          select 1 from ${table} p
          where p.sent_at is null and p.status <> 'sent' and p.status <> 'dead'
            and p.aggregate_id = c.aggregate_id and p.seq < c.seq and p.seq > coalesce(c.prev_seq, 0)
        ) as gap
        from (
          select k.*, lag(k.seq) over (partition by k.aggregate_id order by k.seq) as prev_seq
          from candidates k
        ) c
      ), ordered as (
        select p.*, bool_or(p.gap) over (partition by p.aggregate_id order by p.seq) as blocked,
          min(p.seq) over () as floor
        from probed p
      )
      select o.id, o.aggregate_id, o.type, (o.payload - 'traceparent')::text as json,
        o.payload->>'traceparent' as traceparent, o.payload->>'correlationid' as correlationid,
        (o.payload->>'priority')::int as priority, nullif(o.attempts, 0) as attempts,
        (extract(epoch from o.created_at) * 1000)::float8 as created_ms,
        case when row_number() over (order by o.seq) = 1 then o.floor::float8 end as floor
      from ordered o
      where not o.blocked
      order by o.seq`;
    },

    markSent(ids: readonly string[]): SQL {
      return sql`update ${table} set status = 'sent', sent_at = clock_timestamp(), last_error = null
        where id = any(${idList(ids)})`;
    },

    /** Counts the attempt, backs off, and marks rows dead at `maxAttempts`. */
    markFailed(rows: readonly FailedRow[], maxAttempts: number): SQL {
      return sql`update ${table} o set
          attempts = o.attempts + 1,
          last_error = f.error,
          available_at = clock_timestamp() + f.delay_ms * interval '1 millisecond',
          status = case when o.attempts + 1 >= ${maxAttempts}::int then 'dead' else 'pending' end
        from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ id: r.id, error: r.error, delay_ms: r.delayMs })))}::jsonb)
          as f(id uuid, error text, delay_ms integer)
        where o.id = f.id`;
    },

    stats(): SQL {
      return sql`select
        (select count(*)::int from ${table} where status = 'pending') as pending,
        (select coalesce(extract(epoch from clock_timestamp() - min(created_at)), 0)::float8
           from ${table} where status = 'pending') as oldest,
        (select count(*)::int from ${table} where status = 'dead') as dead`;
    },

    dead(limit: number): SQL {
      return sql`select id, type, aggregate_id, attempts, last_error, to_json(created_at) #>> '{}' as created_at from ${table}
        where status = 'dead' order by created_at desc limit ${limit}::int`;
    },

    requeue(ids: readonly string[] | "all"): SQL {
      const only = ids === "all" ? sql`` : sql`and id = any(${idList(ids)})`;
      return sql`update ${table} set status = 'pending', attempts = 0, available_at = clock_timestamp()
        where status = 'dead' ${only} returning id`;
    },

    /** Deletes at most `limit` sent rows older than `retentionMs`; run until it deletes fewer. */
    cleanup(retentionMs: number, limit: number): SQL {
      return sql`with old as (
        select id from ${table}
        where status = 'sent' and sent_at < clock_timestamp() - ${retentionMs}::float8 * interval '1 millisecond'
        limit ${limit}::int
      ), deleted as (delete from ${table} o using old where o.id = old.id returning 1)
      select count(*)::int as deleted from deleted`;
    },
  };
}

export type OutboxQueries = ReturnType<typeof outboxQueries>;

/**
 * Which aggregates a claim takes: share `index` of `of`, by a hash of the aggregate id. Each worker of a
 * relay claims its own share. With one shared claim, a worker's batch of 500 held the first rows of
 * hundreds of aggregates, and the next worker's claim locked the rows behind them only to leave them
 * (an aggregate's next event waits for the previous one), on every round, in a loop: draining a backlog
 * with aggregates in random order, the relay's Postgres spent 21 µs per event with one worker, 28–36
 * with two and 46 with four (22 and 28 with shares). Shares only spread the work: exclusivity and
 * per-aggregate order still come from the row locks and the gap probe, so relays with different
 * `concurrency` (different shares) are as safe together as before.
 */
export interface Share {
  index: number;
  of: number;
}

/** Claims a batch in `tx` (which holds the rows until it ends): `claimPlan`, then `claim`, as they must go. */
export async function claimRows(
  tx: SqlExecutor,
  q: OutboxQueries,
  limit: number,
  share?: Share,
  floor?: number,
): Promise<ClaimedRow[]> {
  await tx.execute(q.claimPlan());
  return rowsOf<ClaimedRow>(await tx.execute(q.claim(limit, share, floor)));
}
