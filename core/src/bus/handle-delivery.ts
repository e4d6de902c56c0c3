import type { EventCatalog } from "./catalog";
import { parseEnvelope } from "./envelope";
import type { AttemptRecord, BusEvent, Clock, EventEnvelope, EventHandler, EventSchemas } from "./types";

/** What an adapter must do with a delivery once it was handled. */
export type DeliveryOutcome =
  | { kind: "ack" }
  /** Send to retry stage `stage` (0-based), which waits `delayMs` before the next attempt. */
  | { kind: "retry"; stage: number; delayMs: number; history: AttemptRecord[] }
  | { kind: "dead"; reason: string; history: AttemptRecord[] };

export interface DeliveryInput<S extends EventSchemas> {
  body: unknown;
  history: readonly AttemptRecord[];
  consumer: string;
  catalog: EventCatalog<S>;
  handler: EventHandler<S>;
  delaysMs: readonly number[];
  clock: Clock;
  emit(event: BusEvent): void;
}

/**
 * The consume pipeline both adapters share: parse, validate against the catalogue (an invalid event
 * goes straight to the DLQ), run the handler, and decide between ack, the next retry stage and the
 * DLQ. A handler error whose `retryable` is `false` skips the remaining attempts.
 */
export async function handleDelivery<S extends EventSchemas>(
  input: DeliveryInput<S>,
): Promise<{ outcome: DeliveryOutcome; envelope: EventEnvelope | null }> {
  const history = [...input.history];
  const parsed = parseEnvelope(input.body);
  if (!parsed.ok) return { outcome: { kind: "dead", reason: parsed.reason, history }, envelope: null };
  const envelope = parsed.envelope;
  const dead = (reason: string) => ({ outcome: { kind: "dead" as const, reason, history }, envelope });
  if (!input.catalog.has(envelope.type)) return dead(`unknown event type "${envelope.type}"`);
  const issues = input.catalog.issues(envelope.type, envelope.data);
  if (issues.length > 0) {
    return dead(`invalid payload: ${issues.map((i) => `${i.path || "/"}: ${i.message}`).join("; ")}`);
  }

  const attempt = history.length + 1;
  const maxAttempts = input.delaysMs.length + 1;
  const started = performance.now();
  try {
    await input.handler(envelope as never, { consumer: input.consumer, attempt, maxAttempts, history });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown })?.code;
    history.push({
      attempt,
      at: new Date(input.clock.now()).toISOString(),
      error: message,
      ...(typeof code === "string" ? { code } : {}),
    });
    if ((error as { retryable?: unknown })?.retryable === false)
      return dead(`non-retryable error: ${message}`);
    if (attempt >= maxAttempts) return dead(`failed after ${attempt} attempts: ${message}`);
    const delayMs = input.delaysMs[attempt - 1]!;
    input.emit({
      type: "retry-scheduled",
      consumer: input.consumer,
      eventType: envelope.type,
      id: envelope.id,
      attempt,
      delayMs,
      error: message,
    });
    return { outcome: { kind: "retry", stage: attempt - 1, delayMs, history }, envelope };
  }
  input.emit({
    type: "consumed",
    consumer: input.consumer,
    eventType: envelope.type,
    id: envelope.id,
    attempt,
    durationMs: performance.now() - started,
  });
  return { outcome: { kind: "ack" }, envelope };
}
