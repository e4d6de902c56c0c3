import type { EventCatalog } from "./catalog";
import type { Clock, EventSchemas, RetryOptions, SubscribeOptions } from "./types";

/** Options every adapter takes. */
export interface BusOptions<S extends EventSchemas> {
  catalog: EventCatalog<S>;
  /** CloudEvents `source` of what this bus publishes, e.g. `"/services/trading"`. */
  source: string;
  /** Defaults to `Date`. */
  clock?: Clock;
  /** Event ids; defaults to `Bun.randomUUIDv7` at the clock's time. */
  newId?: (nowMs: number) => string;
  /** The retry ladder of subscriptions that set none. Defaults to {@link DEFAULT_RETRY}. */
  retry?: RetryOptions;
}

/** 5 attempts: now, +1 s, +10 s, +1 min, +5 min; then the DLQ. */
export const DEFAULT_RETRY: RetryOptions = { delaysMs: [1_000, 10_000, 60_000, 300_000] };

export interface ResolvedSubscription {
  consumer: string;
  patterns: readonly string[];
  concurrency: number;
  prefetch: number;
  delaysMs: readonly number[];
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Validates and defaults subscribe options once. */
export function resolveSubscription(options: SubscribeOptions, busRetry: RetryOptions): ResolvedSubscription {
  if (!NAME.test(options.consumer)) {
    throw new TypeError(`consumer "${options.consumer}" must match ${NAME} (it names queues)`);
  }
  if (options.patterns.length === 0) throw new TypeError("subscribe needs at least one pattern");
  const concurrency = options.concurrency ?? 1;
  const prefetch = options.prefetch ?? Math.max(10, concurrency * 2);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new TypeError("concurrency must be an integer ≥ 1");
  if (!Number.isInteger(prefetch) || prefetch < concurrency)
    throw new TypeError("prefetch must be ≥ concurrency");
  const delaysMs = (options.retry ?? busRetry).delaysMs;
  if (delaysMs.some((d) => !Number.isInteger(d) || d < 1))
    throw new TypeError("retry delays must be integers ≥ 1 ms");
  return { consumer: options.consumer, patterns: options.patterns, concurrency, prefetch, delaysMs };
}
