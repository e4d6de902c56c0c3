import { type Backoff, decorrelatedJitter } from "./backoff";
import { type Clock, sleep, systemClock } from "./clock";
import { DeadlineQueue } from "./deadlines";
import { isRetryable, RetryBudgetExceededError, retryAfterOf, TimeoutError } from "./errors";
import { type Event, EventEmitter } from "./events";
import { neverSignal, type Policy, type PolicyContext, toContext } from "./policy";

export interface RetryOptions {
  /** Attempts in all, the first included. Defaults to 3. */
  maxAttempts?: number;
  /** Total time from the first attempt; no attempt or wait runs past it. Defaults to 10 s. */
  budgetMs?: number;
  /** Defaults to `decorrelatedJitter()` (100 ms … 10 s). */
  backoff?: Backoff;
  /** Which errors to retry. Defaults to those with `retryable: true` ({@link isRetryable}). */
  shouldRetry?: (error: unknown) => boolean;
  /** Honour an error's `retryAfterMs` (from `Retry-After`) as a minimum wait. Defaults to true. */
  honorRetryAfter?: boolean;
  /** Defaults to {@link systemClock}. */
  clock?: Clock;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: unknown;
}

export class RetryPolicy implements Policy {
  private readonly retried = new EventEmitter<RetryEvent>();
  private readonly gaveUp = new EventEmitter<RetryBudgetExceededError>();
  /** Before each wait. */
  readonly onRetry: Event<RetryEvent> = this.retried.on;
  /** When attempts or the deadline run out. */
  readonly onGiveUp: Event<RetryBudgetExceededError> = this.gaveUp.on;

  constructor(
    readonly maxAttempts: number,
    readonly budgetMs: number,
    private readonly backoff: Backoff,
    private readonly shouldRetry: (error: unknown) => boolean,
    private readonly honorRetryAfter: boolean,
    private readonly clock: Clock,
  ) {
    this.budgets = new DeadlineQueue(clock, budgetMs);
  }

  /** Every call's budget behind one timer. */
  private readonly budgets: DeadlineQueue;

  async execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx?: Partial<PolicyContext>): Promise<T> {
    const parent = toContext(ctx).signal;
    parent.throwIfAborted();
    const deadline = this.clock.now() + this.budgetMs;
    // One controller per attempt carries the caller's abort and the budget (cheaper than
    // AbortSignal.any); it is handed down so an inner timeout can abort it instead of linking its own.
    let budget = new AbortController();
    let expired: TimeoutError | undefined;
    const onParentAbort = () => budget.abort(parent.reason);
    const linked = parent !== neverSignal;
    if (linked) parent.addEventListener("abort", onParentAbort);
    const timer = this.budgets.add(() => {
      expired = new TimeoutError(this.budgetMs);
      budget.abort(expired);
    });
    /** A fresh controller when an inner policy (a timeout) aborted the last attempt's. */
    const renew = () => {
      if (budget.signal.aborted && !expired && !parent.aborted) budget = new AbortController();
    };
    const delays = this.backoff.start();
    try {
      for (let attempt = 1; ; attempt++) {
        renew();
        budget.signal.throwIfAborted();
        try {
          return await fn({ signal: budget.signal, attempt, controller: budget });
        } catch (error) {
          if (parent.aborted || !this.shouldRetry(error)) throw error;
          let delayMs = delays.next();
          const asked = this.honorRetryAfter ? retryAfterOf(error) : undefined;
          if (asked !== undefined) delayMs = Math.max(delayMs, asked);
          const limit =
            attempt >= this.maxAttempts
              ? "attempts"
              : this.clock.now() + delayMs >= deadline
                ? "deadline"
                : undefined;
          if (limit) {
            const giveUp = new RetryBudgetExceededError(attempt, limit, error);
            this.gaveUp.emit(giveUp);
            throw giveUp;
          }
          this.retried.emit({ attempt, delayMs, error });
          renew();
          await sleep(this.clock, delayMs, budget.signal);
        }
      }
    } finally {
      this.budgets.cancel(timer);
      if (linked) parent.removeEventListener("abort", onParentAbort);
    }
  }
}

/**
 * Retries failed calls that are safe to retry, with backoff, within a deadline budget.
 * The HTTP client only puts idempotent requests (or ones with an `Idempotency-Key`) through it.
 *
 * @example
 * const policy = retry({ maxAttempts: 4, budgetMs: 5_000 });
 * await policy.execute(({ signal, attempt }) => callUpstream(signal, attempt));
 */
export function retry(options: RetryOptions = {}): RetryPolicy {
  const maxAttempts = options.maxAttempts ?? 3;
  const budgetMs = options.budgetMs ?? 10_000;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1))
    throw new RangeError("retry: maxAttempts must be >= 1");
  if (!(budgetMs > 0)) throw new RangeError("retry: budgetMs must be > 0");
  return new RetryPolicy(
    maxAttempts,
    budgetMs,
    options.backoff ?? decorrelatedJitter(),
    options.shouldRetry ?? isRetryable,
    options.honorRetryAfter ?? true,
    options.clock ?? systemClock,
  );
}
