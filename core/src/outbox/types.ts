import type { SQL } from "drizzle-orm";

/** Anything that runs a drizzle `sql` query: a drizzle database or one of its transactions, on either driver. */
export interface SqlExecutor {
  execute(query: SQL): PromiseLike<unknown>;
}

/**
 * The slice of `@diana/db`'s `Database` the outbox and inbox need (core does not import `@diana/db`):
 * a drizzle database with transactions, and LISTEN.
 */
export interface OutboxDatabase {
  readonly db: SqlExecutor & { transaction<T>(run: (tx: SqlExecutor) => Promise<T>): Promise<T> };
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * A connection of its own beside the pool, where the relay holds the lock that tells producers it is
   * awake (see `notifyGate`); absent where there is one session (PGlite): producers then always notify.
   */
  readonly session?: () => Promise<{ db: SqlExecutor; release(): Promise<void> }>;
}

/** What `/ops/outbox` reports. Counts come from the table, so they cover every relay of the service. */
export interface OutboxStats {
  pending: number;
  /** Seconds since the oldest pending row was written; 0 with no backlog. */
  oldestPendingAgeSeconds: number;
  dead: number;
  /** This process's relay: insert → confirm of the newest published event, in ms; null before the first. */
  relayLagMs: number | null;
  /** ISO-8601 UTC of this process's last confirmed publish; null before the first. */
  lastPublishAt: string | null;
  /**
   * This process's relay and the producers' notifications (see `notifyGate`): `quiet` — it is busy
   * claiming and holds the lock that lets producers leave out NOTIFY; `notifying` — producers notify;
   * `off` — no gate (PGlite, or turned off), producers always notify.
   */
  notifyGate: "quiet" | "notifying" | "off";
  /** Counters of this process's relay since start. */
  published: number;
  failed: number;
  unroutable: number;
}

/** A dead outbox row, as `/ops/outbox` lists it. */
export interface DeadOutboxRow {
  id: string;
  type: string;
  aggregateId: string;
  attempts: number;
  lastError: string | null;
  /** ISO-8601 UTC. */
  createdAt: string;
}

/** Which dead rows to put back to pending. */
export type RequeueSelection = { ids: readonly string[] } | { all: true };

/** What a relay reports; metrics subscribe with `onEvent`. Core never logs. */
export type RelayEvent =
  | { type: "published"; id: string; eventType: string; durationMs: number; lagMs: number }
  | {
      type: "publish-failed";
      id: string;
      eventType: string;
      attempts: number;
      error: string;
      code?: string;
      /** True when this was the last attempt and the row is now dead. */
      dead: boolean;
      retryInMs: number;
    }
  | { type: "batch"; claimed: number; published: number; failed: number; durationMs: number }
  | { type: "cleaned"; deleted: number }
  | { type: "requeued"; count: number }
  | { type: "error"; context: string; error: unknown };

/** The operational surface the service kit serves at `/ops/outbox`; a relay implements it. */
export interface OutboxOps {
  stats(): Promise<OutboxStats>;
  /** Dead rows, newest first. `limit` defaults to 50. */
  dead(options?: { limit?: number }): Promise<DeadOutboxRow[]>;
  /** Dead → pending with a fresh attempt count. */
  requeue(selection: RequeueSelection): Promise<{ requeued: number }>;
  onEvent(listener: (event: RelayEvent) => void): () => void;
}
