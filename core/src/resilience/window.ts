/**
 * A call outcome as bit flags: bit 0 = failure, bit 1 = slow.
 * Numbers rather than objects so recording allocates nothing.
 */
export const Outcome = { success: 0, failure: 1, slowSuccess: 2, slowFailure: 3 } as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** Counts over a breaker window; rates are fractions in [0, 1] (0 when empty). */
export interface WindowStats {
  calls: number;
  failures: number;
  slow: number;
  failureRate: number;
  slowRate: number;
}

/** Which window a breaker measures over. */
export type WindowOptions =
  /** The last `size` calls. */
  | { kind: "count"; size: number }
  /** Calls in the last `durationMs`, kept in `buckets` buckets (defaults to 10). */
  | { kind: "time"; durationMs: number; buckets?: number };

/** The serialisable content of a window, for snapshot / restore and reconfiguration. */
export type WindowDump =
  | { kind: "count"; outcomes: Outcome[] }
  | {
      kind: "time";
      bucketMs: number;
      head: number;
      buckets: Array<[calls: number, failures: number, slow: number]>;
    };

/**
 * A breaker window strategy: O(1) `record`; `calls` / `failures` / `slow` are current as of the
 * last `record` or `snapshot`, so the breaker reads them without allocating.
 */
export interface BreakerWindow {
  readonly calls: number;
  readonly failures: number;
  readonly slow: number;
  record(outcome: Outcome, now: number): void;
  snapshot(now: number): WindowStats;
  reset(): void;
  dump(): WindowDump;
  /** Takes over the content of a dump of the same kind (trimmed to fit); other kinds are ignored. */
  load(dump: WindowDump): void;
}

export function stats(calls: number, failures: number, slow: number): WindowStats {
  return {
    calls,
    failures,
    slow,
    failureRate: calls === 0 ? 0 : failures / calls,
    slowRate: calls === 0 ? 0 : slow / calls,
  };
}
