import { type BreakerWindow, type Outcome, stats, type WindowDump, type WindowStats } from "./window";

/**
 * The last `size` outcomes in a ring buffer with running totals: O(1) per call.
 *
 * @example
 * const w = new CountWindow(100);
 * w.record(Outcome.failure, clock.now());
 * w.snapshot(clock.now()).failureRate; // 1
 */
export class CountWindow implements BreakerWindow {
  private readonly ring: Uint8Array;
  private next = 0;
  calls = 0;
  failures = 0;
  slow = 0;

  constructor(readonly size: number) {
    this.ring = new Uint8Array(size);
  }

  record(outcome: Outcome, _now?: number): void {
    const i = this.next;
    if (this.calls === this.size) {
      const old = this.ring[i]!;
      this.failures -= old & 1;
      this.slow -= old >> 1;
    } else {
      this.calls++;
    }
    this.ring[i] = outcome;
    this.failures += outcome & 1;
    this.slow += outcome >> 1;
    this.next = i + 1 === this.size ? 0 : i + 1;
  }

  snapshot(_now?: number): WindowStats {
    return stats(this.calls, this.failures, this.slow);
  }

  reset(): void {
    this.next = this.calls = this.failures = this.slow = 0;
  }

  dump(): WindowDump {
    const outcomes: Outcome[] = [];
    const start = this.calls === this.size ? this.next : 0;
    for (let k = 0; k < this.calls; k++) outcomes.push(this.ring[(start + k) % this.size] as Outcome);
    return { kind: "count", outcomes };
  }

  load(dump: WindowDump): void {
    if (dump.kind !== "count") return;
    this.reset();
    for (const o of dump.outcomes.slice(-this.size)) this.record(o);
  }
}
