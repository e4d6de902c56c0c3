import { memoryKv } from "./memory";
import { redisKv } from "./redis";
import type { KeyValueStore } from "./types";

export { KvClosedError, KvConnectionError, KvNotAnIntegerError } from "./errors";
export { type MemoryKvOptions, memoryKv } from "./memory";
export { gcra, type RateLimitOptions, type RateLimitResult, type RateLimitRule } from "./rate-limit";
export { escapeGlob, type RedisKvOptions, redisKv } from "./redis";
export type { KeyValueStore, Lock, SetOptions } from "./types";

/** Options for {@link connectKv}. */
export interface ConnectKvOptions {
  /** Redis URL. Without it the store is in memory (one process only). */
  url?: string;
  /** Prepended to every Redis key. Defaults to `""`. Ignored in memory. */
  keyPrefix?: string;
}

/**
 * Redis when a URL is given, the in-memory twin otherwise.
 *
 * @example
 * const kv = connectKv({ url: env.REDIS_URL, keyPrefix: "diana:" });
 */
export function connectKv(options: ConnectKvOptions = {}): KeyValueStore {
  return options.url ? redisKv({ url: options.url, keyPrefix: options.keyPrefix }) : memoryKv();
}
