/** Options for {@link Dispatcher}. */
export interface DispatcherOptions<T> {
  /** Items running at once. */
  concurrency: number;
  run(item: T): Promise<void>;
}

/**
 * Runs buffered deliveries at most `concurrency` at a time, highest priority first (0–9, FIFO within
 * a priority). Both adapters feed it, so priority is honoured within the prefetch window — the
 * only place it can be with RabbitMQ 3.10 quorum queues, which have no priorities.
 */
export class Dispatcher<T> {
  readonly #buckets: T[][] = Array.from({ length: 10 }, () => []);
  #running = 0;
  #buffered = 0;
  #paused = false;
  #draining = false;
  #idle: (() => void) | undefined;
  // One callback for every settled run (a rejection is the item's own business), so a delivery
  // costs no closures or promises of the dispatcher's own.
  readonly #settled = (): void => {
    this.#running--;
    if (this.#running === 0 && this.#idle) this.#idle();
    else this.#pump();
  };

  constructor(private readonly options: DispatcherOptions<T>) {}

  get buffered(): number {
    return this.#buffered;
  }

  get inFlight(): number {
    return this.#running;
  }

  push(item: T, priority = 0): void {
    const bucket = priority === 0 ? 0 : Math.min(9, Math.max(0, Math.trunc(priority) || 0));
    this.#buckets[bucket]!.push(item);
    this.#buffered++;
    this.#pump();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#pump();
  }

  /** Starts nothing more, waits for running items, and hands back the ones never started. */
  async drain(): Promise<T[]> {
    this.#draining = true;
    const left: T[] = [];
    for (let p = 9; p >= 0; p--) left.push(...this.#buckets[p]!.splice(0));
    this.#buffered = 0;
    if (this.#running > 0) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
    }
    return left;
  }

  #take(): T | undefined {
    for (let p = 9; p >= 0; p--) {
      const bucket = this.#buckets[p]!;
      if (bucket.length > 0) {
        this.#buffered--;
        return bucket.shift();
      }
    }
    return undefined;
  }

  #pump(): void {
    while (!this.#paused && !this.#draining && this.#running < this.options.concurrency) {
      if (this.#buffered === 0) return;
      const item = this.#take() as T;
      this.#running++;
      let running: Promise<void>;
      try {
        running = this.options.run(item);
      } catch {
        running = Promise.resolve();
      }
      running.then(this.#settled, this.#settled);
    }
  }
}
