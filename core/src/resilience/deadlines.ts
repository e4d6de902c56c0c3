import type { Clock, TimerHandle } from "./clock";

/** A deadline set by {@link DeadlineQueue.add}; pass it back to `cancel`. */
export interface Deadline {
  readonly at: number;
  fire: (() => void) | undefined;
}

/**
 * Deadlines of one fixed length behind a single timer. Since every deadline is `now + ms` on a
 * monotonic clock, they arrive in order: a FIFO whose head is the next to expire. Cancelling marks an
 * entry dead and drops dead entries from the head, so a queue of calls that finish well before their
 * deadline stays short and costs no timer per call (one per queue while anything is pending).
 *
 * @example
 * const q = new DeadlineQueue(systemClock, 2_000);
 * const d = q.add(() => controller.abort(new TimeoutError(2_000)));
 * // … when the call settles:
 * q.cancel(d);
 */
export class DeadlineQueue {
  private entries: Deadline[] = [];
  private head = 0;
  private timer: TimerHandle | undefined;
  private readonly onTimer = () => this.expire();

  constructor(
    private readonly clock: Clock,
    readonly ms: number,
  ) {}

  /** Calls `fire` once `ms` have passed, unless cancelled first. */
  add(fire: () => void): Deadline {
    const entry: Deadline = { at: this.clock.now() + this.ms, fire };
    this.entries.push(entry);
    if (this.timer === undefined) this.timer = this.clock.setTimeout(this.onTimer, this.ms);
    return entry;
  }

  cancel(entry: Deadline): void {
    if (entry.fire === undefined) return;
    entry.fire = undefined;
    this.prune();
  }

  /** Deadlines not yet fired or cancelled, counting dead ones not yet dropped. */
  get size(): number {
    return this.entries.length - this.head;
  }

  private prune(): void {
    const { entries } = this;
    while (this.head < entries.length && entries[this.head]!.fire === undefined) this.head++;
    if (this.head === entries.length) {
      this.entries = [];
      this.head = 0;
      if (this.timer !== undefined) {
        this.clock.clearTimeout(this.timer);
        this.timer = undefined;
      }
    } else if (this.head > 1024 && this.head * 2 > entries.length) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
  }

  private expire(): void {
    this.timer = undefined;
    const now = this.clock.now();
    const { entries } = this;
    const due: Array<() => void> = [];
    while (this.head < entries.length) {
      const entry = entries[this.head]!;
      if (entry.fire !== undefined && entry.at > now) break;
      this.head++;
      if (entry.fire !== undefined) due.push(entry.fire);
      entry.fire = undefined;
    }
    this.prune();
    if (this.timer === undefined && this.head < this.entries.length) {
      const next = this.entries[this.head]!.at;
      this.timer = this.clock.setTimeout(this.onTimer, Math.max(0, next - now));
    }
    // Settled state first: what fires may add or cancel deadlines.
    for (const fire of due) fire();
  }
}
