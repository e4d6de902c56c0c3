/** Delay before a failed row's next attempt. */
export interface RowBackoff {
  /** Delay of the first retry. Defaults to 1 s. */
  baseMs: number;
  /** Cap. Defaults to 60 s. */
  maxMs: number;
}

export const DEFAULT_ROW_BACKOFF: RowBackoff = { baseMs: 1_000, maxMs: 60_000 };

/** Exponential in the attempts made so far, capped, with "equal jitter" (half fixed, half random). */
export function rowBackoffMs(backoff: RowBackoff, attemptsBefore: number, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(attemptsBefore, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
