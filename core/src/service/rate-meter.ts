/**
 * Events per second over a sliding window of whole seconds (a ring of per-second counts), for the rates
 * an ops route shows. Until the window has filled, the rate is over the time since the meter started
 * (at least a second, so the first event does not read as a burst).
 *
 * @example
 * const consumed = rateMeter();
 * bus.onEvent((e) => e.type === "consumed" && consumed.mark());
 * consumed.perSecond(); // over the last 60 s
 */
export function rateMeter(options: { windowSeconds?: number; now?: () => number } = {}) {
  const windowSeconds = options.windowSeconds ?? 60;
  if (!Number.isInteger(windowSeconds) || windowSeconds < 2)
    throw new TypeError("windowSeconds must be an integer ≥ 2");
  const now = options.now ?? Date.now;
  const counts = new Float64Array(windowSeconds);
  const started = now();
  /** The second the newest bucket counts. */
  let newest = Math.floor(started / 1000);
  const advance = (second: number) => {
    for (let s = newest + 1; s <= Math.min(second, newest + windowSeconds); s++)
      counts[s % windowSeconds] = 0;
    newest = Math.max(newest, second);
  };
  return {
    mark(n = 1) {
      const second = Math.floor(now() / 1000);
      advance(second);
      counts[second % windowSeconds]! += n;
    },
    perSecond(): number {
      const t = now();
      advance(Math.floor(t / 1000));
      let total = 0;
      for (const c of counts) total += c;
      // The buckets hold the window's whole seconds before this one and this one so far.
      const span = Math.min(windowSeconds - 1 + (t % 1000) / 1000, (t - started) / 1000);
      return total / Math.max(1, span);
    },
  };
}
