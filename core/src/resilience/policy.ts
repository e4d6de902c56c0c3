/** What every policy hands to the function it runs. */
export interface PolicyContext {
  /** Aborts when the caller gives up, the deadline passes or a timeout fires. */
  signal: AbortSignal;
  /** 1 for the first try; the retry policy increments it. */
  attempt: number;
  /**
   * The controller of `signal` when it belongs to this attempt alone (the retry policy makes one per
   * attempt): an inner timeout aborts it rather than making and linking a controller of its own. Its
   * owner replaces it before going on. Policies that pass a new signal down never pass this on.
   */
  controller?: AbortController;
}

/** One resilience strategy. Every policy, and every `wrap()` of policies, is a `Policy`. */
export interface Policy {
  execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx?: Partial<PolicyContext>): Promise<T>;
}

/** The signal of a call nobody can cancel; policies skip linking to it. */
export const neverSignal: AbortSignal = new AbortController().signal;
const never = neverSignal;
const defaultContext: PolicyContext = Object.freeze({ signal: never, attempt: 1 });

/** Fills a partial context; returns the same object when already complete (no allocation). */
export function toContext(ctx: Partial<PolicyContext> | undefined): PolicyContext {
  if (ctx === undefined) return defaultContext;
  if (ctx.signal !== undefined && ctx.attempt !== undefined) return ctx as PolicyContext;
  return { signal: ctx.signal ?? never, attempt: ctx.attempt ?? 1 };
}

/**
 * Composes policies; the first argument is the outermost.
 *
 * @example
 * const policy = wrap(retry({ maxAttempts: 3 }), circuitBreaker(), timeout({ ms: 2_000 }));
 * await policy.execute(({ signal }) => fetch(url, { signal }));
 */
export function wrap(...policies: Policy[]): Policy {
  return {
    execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx?: Partial<PolicyContext>): Promise<T> {
      const run = (i: number, c: PolicyContext): Promise<T> =>
        i === policies.length ? fn(c) : policies[i]!.execute((next) => run(i + 1, next), c);
      return run(0, toContext(ctx));
    },
  };
}

/** A policy that just runs the function; handy as a neutral element. */
export const noop: Policy = {
  execute: (fn, ctx) => fn(toContext(ctx)),
};
