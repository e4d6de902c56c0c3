import { systemClock } from "../bus/envelope";
import type { Clock, EventBus } from "../bus/types";
import { DEFAULT_ROW_BACKOFF, type RowBackoff } from "./backoff";
import { claimFloor } from "./claim-floor";
import { relayListeners } from "./listeners";
import { notifyGate } from "./notify-gate";
import type { Outbox } from "./outbox";
import { publishRound, type RelayTally, type RoundSettings } from "./publish-round";
import { claimRows, type Share } from "./queries";
import { deleteInBatches, rowsOf } from "./rows";
import type { OutboxOps, OutboxStats } from "./types";
import { wakeSignal } from "./wake-signal";

export interface OutboxRelayOptions {
  // biome-ignore lint/suspicious/noExplicitAny: any catalogue; the relay republishes what enqueue validated.
  outbox: Outbox<any>;
  /**
   * Where events go; `publishEncoded` must resolve only once the broker confirmed (both adapters do). Rows
   * go out as `enqueue` wrote and validated them: a payload a later schema rejects reaches the consumer,
   * whose own check sends it to its DLQ with the reason.
   */
  bus: Pick<EventBus, "publishEncoded">;
  /** Rows claimed per round. Defaults to 500. */
  batchSize?: number;
  /**
   * Rounds in flight at once, each its own transaction and each claiming its own share of the aggregates
   * (a hash of the aggregate id); SKIP LOCKED keeps them apart from other relays'. Defaults to 2.
   */
  concurrency?: number;
  /**
   * Polling fallback when no notification arrives, and how often a worker claims over all pending rows
   * (for rows backing off, and rows whose transaction took longer than 1 s to commit; see `claimFloor`).
   * Defaults to 1 s.
   */
  pollIntervalMs?: number;
  /** Failed publishes before a row is dead. Defaults to 10. */
  maxAttempts?: number;
  /** Defaults to 1 s doubling to 60 s, with jitter. */
  backoff?: RowBackoff;
  /** A publish not confirmed by then counts as failed (it is retried; consumers dedupe). Defaults to 10 s. */
  publishTimeoutMs?: number;
  /** Sent rows are deleted after this long. Defaults to 24 h. */
  retentionMs?: number;
  /** Defaults to 60 s; 0 turns cleanup off. */
  cleanupIntervalMs?: number;
  /**
   * Whether producers may leave out their NOTIFY while this relay is busy claiming (see `notifyGate`).
   * Defaults to true where the database opens sessions of its own (Postgres; not PGlite).
   */
  notifyGate?: boolean;
  clock?: Clock;
  random?: () => number;
}

export interface RoundResult {
  claimed: number;
  published: number;
  failed: number;
}

/** A running relay: it publishes the outbox and serves `/ops/outbox`. */
export interface OutboxRelay extends OutboxOps {
  /** LISTENs, then runs `concurrency` workers and the cleanup timer. Idempotent. */
  start(): Promise<void>;
  /** Stops claiming, lets rounds in flight finish, UNLISTENs. */
  stop(): Promise<void>;
  /** One claim → publish → mark round over every aggregate, for tests and scripts. */
  runOnce(): Promise<RoundResult>;
  /** Deletes sent rows past the retention; resolves with how many. */
  cleanup(): Promise<number>;
}

/** A worker's claims start at the floor of its claim this long ago (see `claimFloor`). */
const FLOOR_LAG_MS = 1_000;

/**
 * The outbox relay of one service: woken by LISTEN/NOTIFY (polling as a fallback), it claims due pending
 * rows with `FOR UPDATE SKIP LOCKED` and holds them in its transaction while it publishes, so several
 * relays never publish one row at once; an aggregate's events go one after another, each after the
 * previous one's confirm. Rows are marked sent only after a confirm without a return; failures back off
 * and turn dead after `maxAttempts`. Emits {@link RelayEvent}s; never logs.
 *
 * @example
 * const relay = createOutboxRelay({ outbox, bus });
 * await relay.start();
 * const service = createService({ …, outbox: relay });
 * // on shutdown
 * await relay.stop();
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { outbox, bus } = options;
  const batchSize = options.batchSize ?? 500;
  const concurrency = options.concurrency ?? 2;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const maxAttempts = options.maxAttempts ?? 10;
  const backoff = options.backoff ?? DEFAULT_ROW_BACKOFF;
  const publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
  const retentionMs = options.retentionMs ?? 24 * 3_600_000;
  const cleanupIntervalMs = options.cleanupIntervalMs ?? 60_000;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  for (const [name, value] of Object.entries({ batchSize, concurrency, maxAttempts })) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be an integer ≥ 1`);
  }
  const { db } = outbox.database;
  const q = outbox.queries;
  const listeners = relayListeners();
  const signal = wakeSignal();
  const tally: RelayTally = { published: 0, failed: 0, unroutable: 0, lastPublishMs: null, lagMs: null };
  let running = false;
  let workers: Promise<void>[] = [];
  let unlisten: (() => Promise<void>) | undefined;
  let cleanupTimer: Timer | undefined;
  const barrierTimeoutMs = Math.min(pollIntervalMs, 200);
  const gate =
    options.notifyGate === false || !outbox.database.session
      ? undefined
      : notifyGate(
          {
            database: outbox.database,
            schema: outbox.schema,
            barrierTimeoutMs,
            onError: (context, error) => listeners.emit({ type: "error", context, error }),
          },
          concurrency,
        );

  const round = {
    bus,
    publishTimeoutMs,
    maxAttempts,
    backoff,
    clock,
    random,
    emit: listeners.emit,
  } satisfies RoundSettings;

  async function runOnce(share?: Share, floor?: ReturnType<typeof claimFloor>): Promise<RoundResult> {
    const started = performance.now();
    const result = await db.transaction(async (tx) => {
      const rows = await claimRows(tx, q, batchSize, share, floor?.next());
      floor?.record(performance.now(), rows[0]?.floor ?? undefined); // after the claim's snapshot: later is safe
      if (rows.length === 0) return { claimed: 0, published: 0, failed: 0 };
      const { sent, failed } = await publishRound(rows, round, tally);
      if (sent.length > 0) await tx.execute(q.markSent(sent));
      if (failed.length > 0) await tx.execute(q.markFailed(failed, maxAttempts));
      return { claimed: rows.length, published: sent.length, failed: failed.length };
    });
    if (result.claimed > 0) {
      listeners.emit({ type: "batch", ...result, durationMs: performance.now() - started });
    }
    return result;
  }

  async function worker(share: Share) {
    const floor = claimFloor(() => performance.now(), FLOOR_LAG_MS, pollIntervalMs);
    const round = async () => {
      try {
        return (await runOnce(share, floor)).claimed;
      } catch (error) {
        listeners.emit({ type: "error", context: "relay round", error });
        return 0;
      }
    };
    let busy = 0;
    let engaged = false;
    let mark = 0;
    while (running) {
      const generation = signal.generation;
      const claimed = await round();
      // Claimed rows may have freed their aggregates' next events: claim again before resting.
      if (claimed > 0 || signal.generation !== generation) {
        if (gate && claimed > 0 && ++busy >= 2 && !engaged) {
          engaged = true;
          void gate.engage();
        }
        continue;
      }
      busy = 0;
      let restMs = pollIntervalMs;
      if (gate) {
        // Producers may have left out their notification while this relay was awake: wait for them to
        // commit and claim once more before resting.
        const rest = await gate.rest(mark, engaged);
        engaged = false;
        mark = rest.mark;
        if (rest.result !== "quiet" && running) {
          if ((await round()) > 0 || signal.generation !== generation) continue;
          if (rest.result === "timed-out") restMs = Math.min(pollIntervalMs, barrierTimeoutMs);
        }
      }
      if (running) await signal.wait(restMs);
    }
  }

  async function cleanup(): Promise<number> {
    const total = await deleteInBatches(5_000, async (limit) => {
      const [row] = rowsOf<{ deleted: number }>(await db.execute(q.cleanup(retentionMs, limit)));
      return row?.deleted ?? 0;
    });
    if (total > 0) listeners.emit({ type: "cleaned", deleted: total });
    return total;
  }

  function scheduleCleanup() {
    if (!running || cleanupIntervalMs <= 0) return;
    cleanupTimer = setTimeout(async () => {
      try {
        await cleanup();
      } catch (error) {
        listeners.emit({ type: "error", context: "outbox cleanup", error });
      }
      scheduleCleanup();
    }, cleanupIntervalMs);
  }

  return {
    runOnce: () => runOnce(),
    cleanup,

    async start() {
      if (running) return;
      running = true;
      try {
        unlisten = await outbox.database.listen(outbox.channel, () => signal.wake());
      } catch (error) {
        listeners.emit({ type: "error", context: "outbox listen (polling only)", error });
      }
      workers = Array.from({ length: concurrency }, (_, index) => worker({ index, of: concurrency }));
      scheduleCleanup();
    },

    async stop() {
      if (!running) return;
      running = false;
      clearTimeout(cleanupTimer);
      signal.wake();
      await Promise.all(workers);
      workers = [];
      await gate?.close();
      await unlisten?.().catch(() => {});
      unlisten = undefined;
    },

    async stats(): Promise<OutboxStats> {
      const [row] = rowsOf<{ pending: number; oldest: number; dead: number }>(await db.execute(q.stats()));
      return {
        pending: Number(row?.pending ?? 0),
        oldestPendingAgeSeconds: Number(row?.oldest ?? 0),
        dead: Number(row?.dead ?? 0),
        relayLagMs: tally.lagMs,
        notifyGate: !gate ? "off" : gate.holding ? "quiet" : "notifying",
        lastPublishAt: tally.lastPublishMs === null ? null : new Date(tally.lastPublishMs).toISOString(),
        published: tally.published,
        failed: tally.failed,
        unroutable: tally.unroutable,
      };
    },

    dead: (deadOptions) => outbox.dead(deadOptions),

    async requeue(selection) {
      const result = await outbox.requeue(selection);
      if (result.requeued > 0) {
        listeners.emit({ type: "requeued", count: result.requeued });
        signal.wake();
      }
      return result;
    },

    onEvent: listeners.on,
  };
}
