import type { Clock, TimerHandle } from "./clock";

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A manual clock for tests: time moves only through `tick` / `tickAsync`, which fire due timers in
 * order, each at its own scheduled time.
 *
 * @example
 * const clock = new FakeClock();
 * const breaker = circuitBreaker({ clock, openMs: 1_000 });
 * clock.tick(1_000); // the open → half-open timer fires
 */
export class FakeClock implements Clock {
  private timers: FakeTimer[] = [];
  private nextId = 1;

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Number of timers still pending. */
  get pending(): number {
    return this.timers.length;
  }

  /** Advances time by `ms`, firing due timers synchronously. */
  tick(ms: number): void {
    const target = this.current + ms;
    for (let t = this.takeDue(target); t; t = this.takeDue(target)) {
      this.current = Math.max(this.current, t.at);
      t.fn();
    }
    this.current = target;
  }

  /** Like `tick`, but lets promise continuations run after each timer (for retry and bulkhead tests). */
  async tickAsync(ms: number): Promise<void> {
    const target = this.current + ms;
    await flush();
    for (let t = this.takeDue(target); t; t = this.takeDue(target)) {
      this.current = Math.max(this.current, t.at);
      t.fn();
      await flush();
    }
    this.current = target;
    await flush();
  }

  private takeDue(target: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) if (t.at <= target && (!best || t.at < best.at)) best = t;
    if (best) this.timers.splice(this.timers.indexOf(best), 1);
    return best;
  }
}

/** Lets queued microtasks (promise continuations) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
