import { BulkheadRejectedError } from "./errors";
import { type Event, EventEmitter } from "./events";
import { type Policy, type PolicyContext, toContext } from "./policy";

export interface BulkheadOptions {
  /** Calls running at once. Defaults to 10. */
  maxConcurrent?: number;
  /** Calls waiting for a slot; beyond that calls are rejected. Defaults to 0. */
  maxQueued?: number;
}

interface Waiter {
  start: () => void;
  signal: AbortSignal;
  onAbort: () => void;
}

export class BulkheadPolicy implements Policy {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private readonly rejected = new EventEmitter<BulkheadRejectedError>();
  readonly onReject: Event<BulkheadRejectedError> = this.rejected.on;

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.queue.length;
  }

  execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx?: Partial<PolicyContext>): Promise<T> {
    const c = toContext(ctx);
    if (this.active < this.maxConcurrent) return this.run(fn, c);
    if (this.queue.length >= this.maxQueued) {
      const error = new BulkheadRejectedError(this.maxConcurrent, this.maxQueued);
      this.rejected.emit(error);
      return Promise.reject(error);
    }
    if (c.signal.aborted) return Promise.reject(c.signal.reason);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        signal: c.signal,
        start: () => this.run(fn, c).then(resolve, reject),
        onAbort: () => {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          reject(c.signal.reason);
        },
      };
      c.signal.addEventListener("abort", waiter.onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private run<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx: PolicyContext): Promise<T> {
    this.active++;
    let p: Promise<T>;
    try {
      p = fn(ctx);
    } catch (e) {
      p = Promise.reject(e);
    }
    return p.finally(() => {
      this.active--;
      const next = this.queue.shift();
      if (next) {
        next.signal.removeEventListener("abort", next.onAbort);
        next.start();
      }
    });
  }
}

/**
 * Caps concurrent calls and the queue behind them; the rest fail fast with {@link BulkheadRejectedError}.
 *
 * @example
 * const b = bulkhead({ maxConcurrent: 4, maxQueued: 16 });
 * await b.execute(() => heavyCall());
 */
export function bulkhead(options: BulkheadOptions = {}): BulkheadPolicy {
  const maxConcurrent = options.maxConcurrent ?? 10;
  const maxQueued = options.maxQueued ?? 0;
  if (!(Number.isInteger(maxConcurrent) && maxConcurrent >= 1))
    throw new RangeError("bulkhead: maxConcurrent must be >= 1");
  if (!(Number.isInteger(maxQueued) && maxQueued >= 0))
    throw new RangeError("bulkhead: maxQueued must be >= 0");
  return new BulkheadPolicy(maxConcurrent, maxQueued);
}
