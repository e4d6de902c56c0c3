import { type SQL, sql } from "drizzle-orm";
import { rowsOf } from "./rows";
import type { OutboxDatabase, SqlExecutor } from "./types";

/**
 * Producers skip NOTIFY while a relay is awake to claim their rows anyway.
 *
 * Why: a transaction that notifies takes one lock for the whole database from just before its commit
 * until after it (Postgres's `PreCommit_Notify`), so notifying commits flush the WAL one at a time instead
 * of together; the listener's backend reads every notification, and each wakes the relay's workers for
 * a claim. Under load the relay is claiming without pause and needs none of them. Measured: producers
 * alone, closed loop (8 connections, 10 events a transaction), 22–30k events/s with the notification and
 * 31–42k without; with a busy relay (2,500 events/s), 34–49 of 1,250 transactions notified instead of
 * all, and the Postgres processes other than the producers' backends spent 42–49 instead of 93–95 µs
 * per event (see bench/RESULTS.md).
 *
 * How, with two advisory locks per outbox schema (keys from {@link gateKeys}):
 *
 * - **awake** — one relay of the service holds it (session-level, exclusive) while every one of its
 *   workers is claiming. A producer that finds it free notifies, as before.
 * - **gate** — a producer that finds `awake` held takes `gate` shared for the rest of its transaction,
 *   looks at `awake` again, and skips the notification only if it is still held. A relay worker about to
 *   rest lets go of `awake` and then takes `gate` exclusively (the barrier): that waits for every producer
 *   that skipped, since each took `gate` before it saw `awake` held, and so before the barrier began. Then
 *   the worker claims once more — those producers have committed or rolled back — and only then rests.
 *
 * No producer ever waits: every lock it tries is `try`. One that finds the barrier under way (its `try`
 * on `gate` fails) notifies. A barrier waits at most `barrierTimeoutMs` (a producer's transaction may run
 * long after it enqueued); a worker whose barrier timed out rests only that long and tries again.
 *
 * The events are never at stake, only how soon a relay hears of them: a relay that holds `awake` and
 * stops claiming without its connection closing (a frozen process) leaves producers silent, and the
 * other relays find the rows at their poll interval. Where there is one session (PGlite, no
 * `database.session`) there is no gate, and producers always notify.
 */
export function gateKeys(schema: string): { gate: number; awake: number; key: number } {
  // FNV-1a, 32 bits, as a signed int4 for `pg_try_advisory_lock(int, int)`.
  let hash = 0x811c9dc5;
  for (let i = 0; i < schema.length; i++) {
    hash ^= schema.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return { gate: GATE_CLASS, awake: AWAKE_CLASS, key: hash | 0 };
}

/** The first halves of the two locks' keys ("DI" then 1 or 2), the second being the schema's hash. */
const GATE_CLASS = 0x4449_0001;
const AWAKE_CLASS = 0x4449_0002;

/**
 * The producer's side, in the enqueue statement: true when this transaction must notify the relays.
 * `CASE` fixes the order the locks are tried in.
 */
export function shouldNotify(schema: string): SQL {
  const { gate, awake, key } = gateKeys(schema);
  const awakeLock = sql`${awake}::int, ${key}::int`;
  return sql`case
    when pg_try_advisory_lock_shared(${awakeLock}) then pg_advisory_unlock_shared(${awakeLock})
    when not pg_try_advisory_xact_lock_shared(${gate}::int, ${key}::int) then true
    when pg_try_advisory_lock_shared(${awakeLock}) then pg_advisory_unlock_shared(${awakeLock})
    else false end`;
}

export interface NotifyGateOptions {
  database: OutboxDatabase;
  schema: string;
  /** How long a barrier waits for producers' transactions. */
  barrierTimeoutMs: number;
  onError: (context: string, error: unknown) => void;
}

/** What a worker about to rest learns from {@link NotifyGate.rest}. */
export type RestResult =
  /** No producer can have skipped a notification since this worker's last barrier: rest. */
  | "quiet"
  /** The barrier passed: claim once more, then rest. */
  | "passed"
  /** The barrier timed out (or the session failed): claim once more, rest at most the timeout, retry. */
  | "timed-out";

export type NotifyGate = ReturnType<typeof notifyGate>;

const codeOf = (error: unknown) => {
  const e = error as { cause?: { code?: unknown }; code?: unknown } | undefined;
  return e?.cause?.code ?? e?.code;
};

/**
 * The relay's side of the gate: a connection of its own that holds `awake`, its operations one at a time.
 * A worker {@link NotifyGate.engage}s once it is busy (two claims in a row found rows) and calls
 * {@link NotifyGate.rest} before it rests; `awake` is taken when all `workers` are engaged.
 */
export function notifyGate(options: NotifyGateOptions, workers: number) {
  const { database, barrierTimeoutMs, onError } = options;
  const { gate, awake, key } = gateKeys(options.schema);
  let session: { db: SqlExecutor; release(): Promise<void> } | undefined;
  let held = false;
  /** Times `awake` was taken; a worker rests without a barrier when it was not taken since its last one. */
  let taken = 0;
  let engaged = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const next = queue.then(op, op);
    queue = next.catch(() => {});
    return next;
  };

  /** The gate's session, opened on first use; undefined when it cannot be opened (now). */
  async function connection() {
    try {
      session ??= await database.session?.();
    } catch (error) {
      onError("outbox notify gate (session)", error);
    }
    return session;
  }

  async function drop(context: string, error: unknown) {
    onError(context, error);
    held = false;
    const lost = session;
    session = undefined;
    await lost?.release().catch(() => {});
  }

  return {
    /** `awake` is held by this relay right now. */
    get holding() {
      return held;
    },

    /** A worker is busy: once all are, take `awake` (unless another relay of the service holds it). */
    engage(): Promise<void> {
      engaged++;
      return serial(async () => {
        if (held || engaged < workers) return;
        const db = await connection();
        if (!db) return;
        try {
          const [row] = rowsOf<{ ok: boolean }>(
            await db.db.execute(sql`select pg_try_advisory_lock(${awake}::int, ${key}::int) as ok`),
          );
          held = row?.ok === true;
          if (held) taken++;
        } catch (error) {
          await drop("outbox notify gate (awake)", error);
        }
      });
    },

    /**
     * A worker found nothing to claim and would rest. Lets go of `awake`, then waits for the producers that
     * skipped their notification. `since` is the `mark` the worker's last `rest` returned (0 at first);
     * `wasEngaged`, whether it engaged since.
     */
    rest(since: number, wasEngaged: boolean): Promise<{ result: RestResult; mark: number }> {
      if (wasEngaged) engaged--;
      return serial(async () => {
        if (!held && taken === since) return { result: "quiet" as const, mark: since };
        const mark = taken;
        const db = await connection();
        if (!db) return { result: "timed-out" as const, mark: since };
        try {
          if (held) {
            await db.db.execute(sql`select pg_advisory_unlock(${awake}::int, ${key}::int)`);
            held = false;
          }
          // One statement, so a transaction of its own: the lock timeout and the lock end with it.
          await db.db.execute(
            sql`select set_config('lock_timeout', ${`${barrierTimeoutMs}ms`}, true),
              pg_advisory_xact_lock(${gate}::int, ${key}::int)`,
          );
          return { result: "passed" as const, mark };
        } catch (error) {
          if (codeOf(error) !== "55P03") await drop("outbox notify gate (barrier)", error);
          return { result: "timed-out" as const, mark: since };
        }
      });
    },

    /** Lets go of `awake` and the connection, once the workers have stopped. */
    close(): Promise<void> {
      return serial(async () => {
        held = false;
        engaged = 0;
        const ending = session;
        session = undefined;
        await ending?.release().catch(() => {});
      });
    },
  };
}
