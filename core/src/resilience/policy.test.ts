import { expect, test } from "bun:test";
import { circuitBreaker } from "./circuit-breaker";
import { BrokenCircuitError, RetryBudgetExceededError, TimeoutError } from "./errors";
import { FakeClock } from "./fake-clock";
import { type Policy, wrap } from "./policy";
import { retry } from "./retry";
import { timeout } from "./timeout";

test("wrap runs the first policy outermost", async () => {
  const order: string[] = [];
  const tracer = (name: string): Policy => ({
    execute: (fn, ctx) => {
      order.push(`${name}>`);
      return fn({ signal: ctx!.signal!, attempt: ctx!.attempt! }).finally(() => order.push(`<${name}`));
    },
  });
  await wrap(tracer("a"), tracer("b")).execute(async () => order.push("fn"));
  expect(order).toEqual(["a>", "b>", "fn", "<b", "<a"]);
});

test("a breaker around a timeout counts timeouts as failures", async () => {
  const clock = new FakeClock();
  const breaker = circuitBreaker({ clock, minimumCalls: 1 });
  const policy = wrap(breaker, timeout({ ms: 10, clock }));
  const first = policy.execute(() => new Promise(() => {})).catch((e: unknown) => e);
  clock.tick(10);
  expect(await first).toBeInstanceOf(TimeoutError);
  expect(await policy.execute(async () => 1).catch((e: unknown) => e)).toBeInstanceOf(BrokenCircuitError);
});

test("a retry around a timeout: the timed-out attempt is aborted, the next gets a live signal", async () => {
  const clock = new FakeClock();
  const policy = wrap(
    retry({ clock, maxAttempts: 3, budgetMs: 1_000, backoff: { start: () => ({ next: () => 5 }) } }),
    timeout({ ms: 10, clock }),
  );
  const signals: AbortSignal[] = [];
  const caller = new AbortController();
  const result = policy.execute(
    ({ signal, attempt }) => {
      signals.push(signal);
      return attempt === 1 ? new Promise(() => {}) : Promise.resolve(attempt);
    },
    { signal: caller.signal },
  );
  await clock.tickAsync(10);
  await clock.tickAsync(5);
  expect(await result).toBe(2);
  expect(signals).toHaveLength(2);
  expect(signals[0]!.aborted).toBe(true);
  expect(signals[0]!.reason).toBeInstanceOf(TimeoutError);
  expect(signals[1]!.aborted).toBe(false);
  expect(clock.pending).toBe(0);
});

test("a retry around a timeout: the caller's abort and the budget reach the attempt in flight", async () => {
  const clock = new FakeClock();
  const policy = wrap(retry({ clock, maxAttempts: 3, budgetMs: 50 }), timeout({ ms: 1_000, clock }));
  const caller = new AbortController();
  let seen: AbortSignal | undefined;
  const hang = ({ signal }: { signal: AbortSignal }) => {
    seen = signal;
    return new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
  };
  const cancelled = policy.execute(hang, { signal: caller.signal }).catch((e: unknown) => e);
  caller.abort(new Error("client went away"));
  expect(String(await cancelled)).toContain("client went away");
  expect(seen!.aborted).toBe(true);
  const overBudget = policy.execute(hang).catch((e: unknown) => e);
  await clock.tickAsync(50);
  // The timeout reports the aborted attempt as its own TimeoutError; the budget then ends the retries.
  expect(await overBudget).toBeInstanceOf(RetryBudgetExceededError);
  expect(seen!.aborted).toBe(true);
  expect(clock.pending).toBe(0);
});
