import type { Static, TSchema } from "@sinclair/typebox";
import type { EventCatalog } from "./catalog";

/** Event type → TypeBox schema of its `data`. */
export type EventSchemas = Record<string, TSchema>;

/** Milliseconds since the epoch; injectable so tests control time. */
export interface Clock {
  now(): number;
}

/**
 * A CloudEvents 1.0 envelope in structured JSON mode, with Diana's extensions. `subject` is the
 * aggregate id; `priority` is 0 (lowest, the default) to 9.
 */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  specversion: "1.0";
  /** UUIDv7. */
  id: string;
  /** The publishing service, e.g. `"/services/trading"`. */
  source: string;
  type: TType;
  /** ISO-8601 UTC. */
  time: string;
  subject?: string;
  datacontenttype: "application/json";
  data: TData;
  traceparent?: string;
  correlationid?: string;
  causationid?: string;
  priority?: number;
}

/** The union of envelopes a catalogue allows; narrow it with `event.type`. */
export type EventOf<S extends EventSchemas> = {
  [K in keyof S & string]: EventEnvelope<K, Static<S[K]>>;
}[keyof S & string];

/** What a publisher gives; the bus fills in `id`, `time`, `source`, `specversion` and `datacontenttype`. */
export type PublishInput<S extends EventSchemas> = {
  [K in keyof S & string]: {
    type: K;
    data: Static<S[K]>;
    subject?: string;
    /** Defaults to a fresh UUIDv7; the outbox passes the row's id so a republish is recognisable. */
    id?: string;
    /** Defaults to the bus clock. */
    time?: string;
    traceparent?: string;
    correlationid?: string;
    causationid?: string;
    priority?: number;
  };
}[keyof S & string];

/**
 * An event validated and encoded when it was written — an outbox row. `json` is its envelope's JSON without
 * `traceparent`, which the bus adds when it publishes (the tracing wrapper's publish span sets a fresh one,
 * so the span reaches the consumer while the stored text stays as it was written).
 */
export interface EncodedEvent {
  id: string;
  type: string;
  /**
   * When the event was made, epoch milliseconds: the message's AMQP `timestamp` (whole seconds). The
   * relay gives the row's insert time, taken in the same `enqueue` call that stamps the envelope's `time`.
   */
  createdMs: number;
  traceparent?: string;
  correlationid?: string;
  priority?: number;
  /** The envelope as a JSON object without its `traceparent` member. */
  json: string;
}

/** One failed attempt to handle an event, kept with the message across the retry ladder. */
export interface AttemptRecord {
  /** 1-based. */
  attempt: number;
  /** ISO-8601 UTC. */
  at: string;
  error: string;
  code?: string;
}

/** What a handler is told about the delivery it handles. */
export interface DeliveryContext {
  consumer: string;
  /** 1-based; `maxAttempts` is the last one before the DLQ. */
  attempt: number;
  maxAttempts: number;
  /** Failures of the earlier attempts, oldest first. */
  history: readonly AttemptRecord[];
}

export type EventHandler<S extends EventSchemas> = (
  event: EventOf<S>,
  context: DeliveryContext,
) => Promise<void> | void;

/** The delays between attempts. `delaysMs.length + 1` attempts in all; then the DLQ. */
export interface RetryOptions {
  /** Defaults to `[1_000, 10_000, 60_000, 300_000]` (5 attempts). */
  delaysMs: readonly number[];
}

export interface SubscribeOptions {
  /** The consuming service; names its queue, retry stages and DLQ. */
  consumer: string;
  /** Topic patterns: `*` is one dot-separated word, `#` zero or more (`order.*`, `venue.#`). */
  patterns: readonly string[];
  /** Handlers running at once. Defaults to 1. */
  concurrency?: number;
  /** Deliveries held unacknowledged, from which the highest priority runs first. Defaults to `max(10, 2 × concurrency)`. */
  prefetch?: number;
  /** Defaults to the bus's `retry`. */
  retry?: RetryOptions;
}

export interface SubscriptionStats {
  inFlight: number;
  /** Delivered to this process, waiting for a handler slot. */
  buffered: number;
  succeeded: number;
  failed: number;
}

export interface Subscription {
  readonly consumer: string;
  /** Stops starting handlers; deliveries keep arriving into the buffer up to `prefetch`. */
  pause(): void;
  resume(): void;
  stats(): SubscriptionStats;
  /** Stops consuming; in-flight handlers finish, buffered deliveries go back to the queue. */
  close(): Promise<void>;
}

/** A message in a consumer's DLQ. */
export interface DeadLetter {
  /** The event id (the AMQP message id). */
  id: string;
  consumer: string;
  /** The queue a replay sends it back to, read from the death history. */
  origin: string;
  reason: string;
  attempts: readonly AttemptRecord[];
  /** ISO-8601 UTC. */
  deadAt: string;
  /** Null when the body was not a CloudEvents envelope; `raw` then holds it. */
  event: EventEnvelope | null;
  raw?: string;
}

export interface DeadLetterOperations {
  depth(consumer: string): Promise<number>;
  /** Reads without removing. `limit` defaults to 100. */
  browse(consumer: string, options?: { limit?: number }): Promise<DeadLetter[]>;
  /** Sends dead letters back to their origin queue with a fresh retry ladder; all, or those with `ids`. */
  replay(consumer: string, options?: { ids?: readonly string[] }): Promise<{ replayed: number }>;
  purge(consumer: string): Promise<{ purged: number }>;
}

export interface QueueStats {
  consumer: string;
  depth: number;
  /** Consumers attached to the service queue, every instance's (0: nobody is taking its messages). */
  consumers: number;
  dlqDepth: number;
  retryDepths: { delayMs: number; depth: number }[];
}

/** What the bus reports; telemetry subscribes with {@link EventBus.onEvent}. Core never logs. */
export type BusEvent =
  | { type: "published"; eventType: string; id: string; durationMs: number }
  | { type: "consumed"; consumer: string; eventType: string; id: string; attempt: number; durationMs: number }
  | {
      type: "retry-scheduled";
      consumer: string;
      eventType: string;
      id: string;
      attempt: number;
      delayMs: number;
      error: string;
    }
  | { type: "dead-lettered"; consumer: string; eventType: string; id: string; reason: string }
  | { type: "replayed"; consumer: string; count: number }
  | { type: "error"; context: string; error: unknown };

/**
 * Publish and consume CloudEvents validated against a catalogue, with a retry ladder and a DLQ per
 * consumer. Adapters: RabbitMQ and in-process; both pass `runBusConformance`.
 */
export interface EventBus<S extends EventSchemas = EventSchemas> {
  readonly kind: "rabbitmq" | "in-process";
  readonly catalog: EventCatalog<S>;
  /**
   * Validates, wraps and publishes; resolves once the broker confirmed it.
   * @throws InvalidEventError, UnknownEventTypeError, UnroutableEventError, PublishNotConfirmedError
   */
  publish(input: PublishInput<S>): Promise<EventOf<S>>;
  /**
   * Publishes an envelope validated and encoded earlier (the outbox relay's rows) as it is, adding only
   * its `traceparent`; resolves once the broker confirmed it. No validation: the consumer still checks it.
   * @throws UnroutableEventError, PublishNotConfirmedError
   */
  publishEncoded(event: EncodedEvent): Promise<void>;
  /** Declares the consumer's queues and bindings (idempotent) and starts consuming. */
  subscribe(options: SubscribeOptions, handler: EventHandler<S>): Promise<Subscription>;
  queueStats(consumer: string): Promise<QueueStats>;
  readonly dlq: DeadLetterOperations;
  /** Returns the unsubscribe function. */
  onEvent(listener: (event: BusEvent) => void): () => void;
  /** Closes subscriptions (in-flight handlers finish), then the connection. */
  close(): Promise<void>;
}

/** A bus whatever its catalogue, for code that only operates it (ops routes, shutdown). */
// biome-ignore lint/suspicious/noExplicitAny: the catalogue parameter is irrelevant to operating a bus.
export type AnyEventBus = EventBus<any>;
