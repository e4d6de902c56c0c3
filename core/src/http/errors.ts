import { ResilienceError } from "../resilience";

/** Discovery returned no routable instance of the service. */
export class UpstreamUnavailableError extends ResilienceError {
  override readonly name = "UpstreamUnavailableError" as const;
  readonly code = "UPSTREAM_UNAVAILABLE" as const;
  readonly status = 503;
  readonly retryable = true;
  constructor(
    readonly service: string,
    options?: { cause?: unknown },
  ) {
    super(`no routable instance of ${service}`, options);
  }
}

/** The upstream answered with a status the breaker counts (by default 5xx and 429). */
export class UpstreamStatusError extends ResilienceError {
  override readonly name = "UpstreamStatusError" as const;
  readonly code = "UPSTREAM_STATUS" as const;
  /** 502 for a failing upstream; 503 when it asked us to slow down (429, 503). */
  readonly status: number;
  readonly retryable: boolean;
  constructor(
    readonly service: string,
    readonly upstreamStatus: number,
    /** From the upstream's `Retry-After`, if any. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(`${service} answered ${upstreamStatus}`);
    this.status = upstreamStatus === 429 || upstreamStatus === 503 ? 503 : 502;
    this.retryable = [429, 500, 502, 503, 504].includes(upstreamStatus);
  }
}

/** The request never got an answer: connection refused or reset, DNS, TLS. */
export class UpstreamNetworkError extends ResilienceError {
  override readonly name = "UpstreamNetworkError" as const;
  readonly code = "UPSTREAM_NETWORK" as const;
  readonly status = 502;
  readonly retryable = true;
  constructor(
    readonly service: string,
    readonly instance: string,
    cause: unknown,
  ) {
    super(`${service} (${instance}) unreachable`, { cause });
  }
}

/** `Retry-After` (seconds or an HTTP date) in ms, or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
