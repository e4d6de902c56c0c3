import type { RateLimitOptions, RateLimitResult, RateLimitRule } from "./rate-limit";

/** Options for {@link KeyValueStore.set}. */
export interface SetOptions {
  /** Expire the key after this many milliseconds. Without it the key lives until deleted. */
  ttlMs?: number;
  /** Only write when the key does not exist (SET NX). */
  ifAbsent?: boolean;
}

/** A held lock. Only the holder's token can extend or release it. */
export interface Lock {
  readonly key: string;
  readonly token: string;
  /** Releases the lock if this holder still owns it; false when it had already expired or moved on. */
  release(): Promise<boolean>;
  /** Pushes the expiry to `ttlMs` from now if this holder still owns it. */
  extend(ttlMs: number): Promise<boolean>;
}

/**
 * The small key-value surface the platform needs, over Redis or in memory. Both adapters pass
 * `runKvConformance` (see `@diana/core/kv/testing`).
 */
export interface KeyValueStore {
  readonly kind: "redis" | "memory";
  get(key: string): Promise<string | null>;
  mget(keys: readonly string[]): Promise<(string | null)[]>;
  /** Returns false when `ifAbsent` was set and the key existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** Returns true when a key was removed. */
  delete(key: string): Promise<boolean>;
  /** Atomically adds `by` (default 1) and returns the new value; `ttlMs` is set when the key is created. */
  incr(key: string, by?: number, options?: { ttlMs?: number }): Promise<number>;
  /** Milliseconds left before the key expires; null when it has no expiry or does not exist. */
  ttl(key: string): Promise<number | null>;
  /** Every key that starts with `prefix` (SCAN on Redis, never KEYS). */
  keys(prefix: string): Promise<string[]>;
  /**
   * Admits or refuses one request against `rule` for `key`, atomically (GCRA: a token bucket stored as
   * one timestamp). On Redis one Lua script does it with Redis's own clock; in memory, the store's clock.
   */
  rateLimit(key: string, rule: RateLimitRule, options?: RateLimitOptions): Promise<RateLimitResult>;
  /** Tries once to take the lock; null when someone else holds it. */
  acquireLock(key: string, ttlMs: number): Promise<Lock | null>;
  /** Throws when the store does not answer (used by readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
