import { type Clock, systemClock } from "./clock";
import { DeadlineQueue } from "./deadlines";
import { TimeoutError } from "./errors";
import { neverSignal, type Policy, type PolicyContext, toContext } from "./policy";

/**
 * - `aggressive`: abort the signal and reject at the deadline, even if the function ignores the signal.
 * - `cooperative`: abort the signal and wait for the function to settle.
 */
export type TimeoutMode = "aggressive" | "cooperative";

export interface TimeoutOptions {
  /** The limit per call, in ms. Required. */
  ms: number;
  /** Defaults to `"aggressive"`, so callers never wait past `ms`. */
  mode?: TimeoutMode;
  /** Defaults to {@link systemClock}. */
  clock?: Clock;
}

export class TimeoutPolicy implements Policy {
  /** Every call's deadline behind one timer (deadlines of equal length expire in call order). */
  private readonly deadlines: DeadlineQueue;

  constructor(
    readonly ms: number,
    readonly mode: TimeoutMode,
    clock: Clock,
  ) {
    this.deadlines = new DeadlineQueue(clock, ms);
  }

  execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx?: Partial<PolicyContext>): Promise<T> {
    const outer = toContext(ctx);
    const parent = outer.signal;
    if (parent.aborted) return Promise.reject(parent.reason);
    // An attempt's own controller (from the retry policy) is aborted directly: no second controller
    // linked to it. Either way a timeout shows as a `TimeoutError` reason on the signal.
    const given = outer.controller;
    const controller = given ?? new AbortController();
    const onParentAbort = () => controller.abort(parent.reason);
    const linked = given === undefined && parent !== neverSignal;
    if (linked) parent.addEventListener("abort", onParentAbort);
    return new Promise<T>((resolve, reject) => {
      const deadline = this.deadlines.add(() => {
        const error = new TimeoutError(this.ms);
        controller.abort(error);
        if (this.mode === "aggressive") reject(error);
      });
      const cleanup = () => {
        this.deadlines.cancel(deadline);
        if (linked) parent.removeEventListener("abort", onParentAbort);
      };
      let run: Promise<T>;
      try {
        run = fn({ signal: controller.signal, attempt: outer.attempt });
      } catch (e) {
        run = Promise.reject(e);
      }
      run.then(
        (value) => {
          cleanup();
          resolve(value);
        },
        (error) => {
          cleanup();
          // A function that rejects because our timer aborted it reports a TimeoutError.
          reject(
            controller.signal.reason instanceof TimeoutError
              ? new TimeoutError(this.ms, { cause: error })
              : error,
          );
        },
      );
    });
  }
}

/**
 * Aborts calls that take longer than `ms` through their `AbortSignal`.
 *
 * @example
 * const t = timeout({ ms: 2_000 });
 * await t.execute(({ signal }) => fetch(url, { signal })); // TimeoutError (504) after 2 s
 */
export function timeout(options: TimeoutOptions): TimeoutPolicy {
  if (!(options.ms > 0)) throw new RangeError("timeout: ms must be > 0");
  return new TimeoutPolicy(options.ms, options.mode ?? "aggressive", options.clock ?? systemClock);
}
