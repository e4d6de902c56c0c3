/**
 * Where a relay worker's claims start in the pending rows' `seq` index.
 *
 * A claim walks that index from its lowest key, and a row marked sent leaves its entry there until vacuum
 * removes it — which autovacuum does only after a fifth of the table changed, and the table keeps sent
 * rows for a day. With 299,000 such entries below 1,000 pending rows, claiming 500 read 827 index pages
 * and took 6.5 ms; starting at a `seq` just below the pending rows, 14 pages and 0.9 ms — a cost that
 * grows with the traffic since the last vacuum, not with the backlog.
 *
 * So a worker starts its claims at the lowest `seq` an earlier claim of its own met (claimed or held back)
 * — the claim's `floor`. Every row whose `seq` was taken after a claim lies above that claim's floor (a
 * sequence only grows), so a worker that uses the floor of a claim at least `lagMs` old finds every row
 * whose transaction committed within `lagMs` of taking its `seq`. A claim without a floor every
 * `fullEveryMs` finds the rest: rows of longer transactions, rows back from backing off, rows another
 * relay held and let go. Order is not at stake: the per-aggregate probe reads below the floor.
 */
export function claimFloor(now: () => number, lagMs: number, fullEveryMs: number) {
  /** Floors of recent claims, oldest first, until they are `lagMs` old. */
  const recent: Array<{ at: number; floor: number }> = [];
  let floor: number | undefined;
  let lastFull = Number.NEGATIVE_INFINITY;
  return {
    /** The bound for the next claim; undefined for a claim over all pending rows. */
    next(): number | undefined {
      const at = now();
      if (at - lastFull >= fullEveryMs) {
        lastFull = at;
        return undefined;
      }
      while (recent.length > 0 && recent[0]!.at <= at - lagMs) floor = recent.shift()!.floor;
      return floor;
    },
    /** What a claim met, if it met any row; `at` no earlier than the claim's snapshot. */
    record(at: number, met: number | undefined) {
      if (met !== undefined) recent.push({ at, floor: met });
    },
  };
}
