/** A backoff strategy: `start()` begins one call's sequence of delays; `next()` gives the next wait in ms. */
export interface Backoff {
  start(): { next(): number };
}

export interface DecorrelatedJitterOptions {
  /** First delay and lower bound. Defaults to 100 ms. */
  initialMs?: number;
  /** Upper bound of any delay. Defaults to 10 s. */
  maxMs?: number;
  /** Growth factor of the upper bound per attempt. Defaults to 3. */
  factor?: number;
  /** Defaults to `Math.random`; inject for deterministic tests. */
  random?: () => number;
}

/**
 * Exponential backoff with decorrelated jitter (AWS architecture blog):
 * `delay = min(max, random between initial and previous × factor)`.
 *
 * @example
 * const b = decorrelatedJitter({ initialMs: 50, maxMs: 2_000 }).start();
 * b.next(); // 50…150
 */
export function decorrelatedJitter(options: DecorrelatedJitterOptions = {}): Backoff {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 10_000;
  const factor = options.factor ?? 3;
  const random = options.random ?? Math.random;
  if (!(initial > 0 && max >= initial && factor >= 1)) {
    throw new RangeError("decorrelatedJitter: need initialMs > 0, maxMs >= initialMs, factor >= 1");
  }
  return {
    start() {
      let prev = initial;
      return {
        next() {
          prev = Math.min(max, initial + random() * (prev * factor - initial));
          return prev;
        },
      };
    },
  };
}

/**
 * The same delay every time.
 *
 * @example
 * retry({ backoff: constantBackoff(200) });
 */
export function constantBackoff(ms: number): Backoff {
  return { start: () => ({ next: () => ms }) };
}
