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
  readonly #running = new Set<Promise<void>>();
  #buffered = 0;
  #paused = false;
  #draining = false;

  constructor(private readonly options: DispatcherOptions<T>) {}

  get buffered(): number {
    return this.#buffered;
  }

  get inFlight(): number {
    return this.#running.size;
  }

  push(item: T, priority = 0): void {
    const bucket = Math.min(9, Math.max(0, Math.trunc(priority) || 0));
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
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
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
    while (!this.#paused && !this.#draining && this.#running.size < this.options.concurrency) {
      const item = this.#take();
      if (item === undefined) return;
      const running: Promise<void> = this.options
        .run(item)
        .catch(() => {})
        .finally(() => {
          this.#running.delete(running);
          this.#pump();
        });
      this.#running.add(running);
    }
  }
}
