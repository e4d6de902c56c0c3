import { type BreakerWindow, type Outcome, stats, type WindowDump, type WindowStats } from "./window";

/**
 * Outcomes of the last `durationMs`, in `buckets` fixed buckets with running totals. Recording
 * is O(1) amortised: moving forward clears at most `buckets` buckets, once each.
 *
 * @example
 * const w = new TimeWindow(10_000, 10); // ten 1 s buckets
 * w.record(Outcome.slowSuccess, clock.now());
 */
export class TimeWindow implements BreakerWindow {
  readonly bucketMs: number;
  private readonly bCalls: Int32Array;
  private readonly bFailures: Int32Array;
  private readonly bSlow: Int32Array;
  /** Absolute index (`floor(now / bucketMs)`) of the newest bucket. */
  private head = Number.NEGATIVE_INFINITY;
  calls = 0;
  failures = 0;
  slow = 0;

  constructor(
    readonly durationMs: number,
    readonly buckets = 10,
  ) {
    this.bucketMs = durationMs / buckets;
    this.bCalls = new Int32Array(buckets);
    this.bFailures = new Int32Array(buckets);
    this.bSlow = new Int32Array(buckets);
  }

  record(outcome: Outcome, now: number): void {
    const i = this.advance(now);
    const f = outcome & 1;
    const s = outcome >> 1;
    this.bCalls[i]!++;
    this.bFailures[i]! += f;
    this.bSlow[i]! += s;
    this.calls++;
    this.failures += f;
    this.slow += s;
  }

  snapshot(now: number): WindowStats {
    this.advance(now);
    return stats(this.calls, this.failures, this.slow);
  }

  reset(): void {
    this.bCalls.fill(0);
    this.bFailures.fill(0);
    this.bSlow.fill(0);
    this.calls = this.failures = this.slow = 0;
    this.head = Number.NEGATIVE_INFINITY;
  }

  dump(): WindowDump {
    const buckets: Array<[number, number, number]> = [];
    if (Number.isFinite(this.head)) {
      for (let k = this.buckets - 1; k >= 0; k--) {
        const i = this.slot(this.head - k);
        buckets.push([this.bCalls[i]!, this.bFailures[i]!, this.bSlow[i]!]);
      }
    }
    return { kind: "time", bucketMs: this.bucketMs, head: this.head, buckets };
  }

  load(dump: WindowDump): void {
    this.reset();
    if (dump.kind !== "time" || dump.bucketMs !== this.bucketMs || dump.buckets.length === 0) return;
    this.head = dump.head;
    const kept = dump.buckets.slice(-this.buckets);
    kept.forEach(([c, f, s], k) => {
      const i = this.slot(dump.head - (kept.length - 1 - k));
      this.bCalls[i] = c;
      this.bFailures[i] = f;
      this.bSlow[i] = s;
      this.calls += c;
      this.failures += f;
      this.slow += s;
    });
  }

  /** Moves the head to `now`'s bucket, expiring the buckets it passes; returns the head's slot. */
  private advance(now: number): number {
    const idx = Math.floor(now / this.bucketMs);
    if (idx > this.head) {
      if (idx - this.head >= this.buckets) {
        this.reset();
      } else {
        for (let b = this.head + 1; b <= idx; b++) {
          const i = this.slot(b);
          this.calls -= this.bCalls[i]!;
          this.failures -= this.bFailures[i]!;
          this.slow -= this.bSlow[i]!;
          this.bCalls[i] = this.bFailures[i] = this.bSlow[i] = 0;
        }
      }
      this.head = idx;
    }
    // A late `now` (older than the head) lands in the newest bucket.
    return this.slot(this.head);
  }

  private slot(index: number): number {
    const m = index % this.buckets;
    return m < 0 ? m + this.buckets : m;
  }
}
