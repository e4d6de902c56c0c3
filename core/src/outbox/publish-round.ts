import type { Clock, EncodedEvent, EventBus } from "../bus/types";
import { type RowBackoff, rowBackoffMs } from "./backoff";
import type { ClaimedRow, FailedRow } from "./queries";
import type { RelayEvent } from "./types";

/** What a relay's rounds have done so far, for `/ops/outbox`; each round adds to it. */
export interface RelayTally {
  published: number;
  failed: number;
  unroutable: number;
  lastPublishMs: number | null;
  /** Insert → confirm of the newest published row. */
  lagMs: number | null;
}

export interface RoundSettings {
  bus: Pick<EventBus, "publishEncoded">;
  publishTimeoutMs: number;
  maxAttempts: number;
  backoff: RowBackoff;
  clock: Clock;
  random: () => number;
  emit(event: RelayEvent): void;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
const errorCode = (error: unknown) => {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
};

/** The row as the bus publishes it: the stored envelope text, not parsed nor encoded again. */
function encodedOf(row: ClaimedRow): EncodedEvent {
  const event: EncodedEvent = { id: row.id, type: row.type, createdMs: row.created_ms, json: row.json };
  if (row.traceparent !== null) event.traceparent = row.traceparent;
  if (row.correlationid !== null) event.correlationid = row.correlationid;
  if (row.priority !== null) event.priority = row.priority;
  return event;
}

/**
 * Publishes one claimed batch: each aggregate's rows one after another, each after the previous one's
 * confirm, the aggregates side by side. A row whose publish fails keeps its aggregate's later rows back
 * (they stay pending for the next claim); a row not confirmed within `publishTimeoutMs` counts as failed.
 * Resolves with the ids to mark sent and the rows to back off, which the caller writes in the claim's
 * transaction.
 */
export async function publishRound(
  rows: readonly ClaimedRow[],
  settings: RoundSettings,
  tally: RelayTally,
): Promise<{ sent: string[]; failed: FailedRow[] }> {
  const { bus, publishTimeoutMs, maxAttempts, clock, emit } = settings;
  const sent: string[] = [];
  const failed: FailedRow[] = [];
  const inFlight = new Map<string, ClaimedRow>();
  let over = false;
  const fail = (row: ClaimedRow, error: unknown) => {
    const attempts = (row.attempts ?? 0) + 1;
    const retryInMs = rowBackoffMs(settings.backoff, attempts - 1, settings.random);
    const code = errorCode(error);
    failed.push({ id: row.id, error: errorText(error).slice(0, 2_000), delayMs: retryInMs });
    tally.failed++;
    if (code === "UNROUTABLE_EVENT") tally.unroutable++;
    emit({
      type: "publish-failed",
      id: row.id,
      eventType: row.type,
      attempts,
      error: errorText(error),
      ...(code ? { code } : {}),
      dead: attempts >= maxAttempts,
      retryInMs,
    });
  };

  const chains = new Map<string, ClaimedRow[]>();
  for (const row of rows) {
    const chain = chains.get(row.aggregate_id);
    if (chain) chain.push(row);
    else chains.set(row.aggregate_id, [row]);
  }
  const runChain = async (chain: ClaimedRow[]) => {
    for (const row of chain) {
      if (over) return;
      const started = performance.now();
      inFlight.set(row.id, row);
      try {
        await bus.publishEncoded(encodedOf(row));
      } catch (error) {
        if (over) return;
        inFlight.delete(row.id);
        fail(row, error);
        return; // the aggregate's later rows wait for this one
      }
      if (over) return;
      inFlight.delete(row.id);
      sent.push(row.id);
      const now = clock.now();
      const lagMs = Math.max(0, now - row.created_ms);
      tally.lagMs = lagMs;
      tally.published++;
      tally.lastPublishMs = now;
      emit({
        type: "published",
        id: row.id,
        eventType: row.type,
        durationMs: performance.now() - started,
        lagMs,
      });
    }
  };
  let timer: Timer | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, publishTimeoutMs);
  });
  await Promise.race([Promise.all([...chains.values()].map(runChain)), timedOut]);
  clearTimeout(timer);
  over = true;
  for (const row of inFlight.values()) fail(row, new Error(`not confirmed within ${publishTimeoutMs} ms`));
  return { sent, failed };
}
