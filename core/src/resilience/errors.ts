/**
 * Every resilience error: a literal `code`, an HTTP status hint for problem+json, and whether a
 * retry may help (`retryable`), which the retry policy filters on.
 */
export abstract class ResilienceError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  abstract readonly retryable: boolean;
}

/** Why a breaker refused a call. */
export type RejectionReason = "open" | "half-open-full" | "forced-open";

/**
 * The circuit is open (or forced open, or its half-open probes are taken): the call was not made.
 * A breaker hands the same frozen instance to every call it rejects for one reason within one
 * generation, so rejecting allocates no error and captures no stack; `retryAfterMs` is computed
 * when read.
 */
export class BrokenCircuitError extends ResilienceError {
  override readonly name = "BrokenCircuitError" as const;
  readonly code = "CIRCUIT_OPEN" as const;
  readonly status = 503;
  readonly retryable = false;
  constructor(
    readonly reason: RejectionReason,
    private readonly retryAfter: number | (() => number) | undefined,
    readonly breaker?: string,
  ) {
    super(`circuit ${breaker ? `${breaker} ` : ""}is ${reason}`);
  }

  /** When a call may next be admitted, in ms; the service kit sends it as `Retry-After`. */
  get retryAfterMs(): number | undefined {
    const r = this.retryAfter;
    return typeof r === "function" ? Math.max(0, r()) : r;
  }
}

/** The bulkhead's concurrency and queue are both full. */
export class BulkheadRejectedError extends ResilienceError {
  override readonly name = "BulkheadRejectedError" as const;
  readonly code = "BULKHEAD_REJECTED" as const;
  readonly status = 503;
  readonly retryable = false;
  constructor(
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {
    super(`bulkhead full (${maxConcurrent} running, ${maxQueued} queued)`);
  }
}

/** The timeout policy aborted the call after `timeoutMs`. */
export class TimeoutError extends ResilienceError {
  override readonly name = "TimeoutError" as const;
  readonly code = "TIMEOUT" as const;
  readonly status = 504;
  readonly retryable = true;
  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`timed out after ${timeoutMs} ms`, options);
  }
}

/** Retries stopped: attempts used up, or the next wait would cross the deadline budget. `cause` is the last error. */
export class RetryBudgetExceededError extends ResilienceError {
  override readonly name = "RetryBudgetExceededError" as const;
  readonly code = "RETRY_BUDGET_EXCEEDED" as const;
  readonly retryable = false;
  readonly status: number;
  constructor(
    readonly attempts: number,
    readonly limit: "attempts" | "deadline",
    cause: unknown,
  ) {
    const why = cause instanceof Error ? `${cause.message}; ` : "";
    super(`${why}gave up after ${attempts} attempt(s): ${limit} budget exhausted`, { cause });
    this.status = statusOf(cause) ?? 503;
  }
}

/** Whether the retry policy may retry `error` by default: it says so itself. */
export function isRetryable(error: unknown): boolean {
  return (error as { retryable?: unknown } | null)?.retryable === true;
}

/** A server-requested wait carried by an error (e.g. from `Retry-After`), if any. */
export function retryAfterOf(error: unknown): number | undefined {
  const ms = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof ms === "number" && ms >= 0 ? ms : undefined;
}

function statusOf(error: unknown): number | undefined {
  const s = (error as { status?: unknown } | null)?.status;
  return typeof s === "number" ? s : undefined;
}
