/** Thrown when the store cannot be reached or refuses the credentials. The message names the host, never the password. */
export class KvConnectionError extends Error {
  override readonly name = "KvConnectionError";
  readonly code = "KV_CONNECTION_FAILED" as const;
  readonly retryable = true;
  constructor(
    readonly host: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`key-value store at ${host} is unavailable: ${detail}`, options);
  }
}

/** Thrown by `incr` when the key holds something that is not an integer. */
export class KvNotAnIntegerError extends Error {
  override readonly name = "KvNotAnIntegerError";
  readonly code = "KV_NOT_AN_INTEGER" as const;
  readonly retryable = false;
  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`value at "${key}" is not an integer`, options);
  }
}

/** Thrown when a store is used after `close()`. */
export class KvClosedError extends Error {
  override readonly name = "KvClosedError";
  readonly code = "KV_CLOSED" as const;
  readonly retryable = false;
  constructor() {
    super("key-value store is closed");
  }
}

/** Validates a TTL and rounds it up to whole milliseconds. */
export function checkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new RangeError(`ttlMs must be a positive number (got ${ttlMs})`);
  return Math.ceil(ttlMs);
}
