import { describe, expect, test } from "bun:test";
import { constantBackoff, decorrelatedJitter } from "./backoff";
import { RetryBudgetExceededError, TimeoutError } from "./errors";
import { FakeClock } from "./fake-clock";
import type { PolicyContext } from "./policy";
import { retry } from "./retry";

class Flaky extends Error {
  readonly retryable = true;
  constructor(readonly retryAfterMs?: number) {
    super("flaky");
  }
}

class Fatal extends Error {
  readonly retryable = false;
}

describe("retry", () => {
  test("retries retryable errors up to maxAttempts, with delays inside the budget", async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    const policy = retry({
      clock,
      maxAttempts: 4,
      budgetMs: 10_000,
      backoff: decorrelatedJitter({ initialMs: 100, maxMs: 1_000 }),
    });
    const delays: number[] = [];
    policy.onRetry((e) => delays.push(e.delayMs));
    const done = policy
      .execute(async ({ attempt }) => {
        starts.push(clock.now());
        throw new Flaky(attempt === 99 ? 1 : undefined);
      })
      .catch((e: unknown) => e);
    await clock.tickAsync(10_000);
    const err = await done;
    expect(err).toBeInstanceOf(RetryBudgetExceededError);
    expect((err as RetryBudgetExceededError).attempts).toBe(4);
    expect((err as RetryBudgetExceededError).cause).toBeInstanceOf(Flaky);
    expect(starts).toHaveLength(4);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(1_000);
    }
    expect(starts.at(-1)!).toBeLessThan(10_000);
  });

  test("decorrelated jitter stays between initial and max and grows", () => {
    let r = 0;
    const b = decorrelatedJitter({
      initialMs: 100,
      maxMs: 5_000,
      random: () => (r = (r + 0.37) % 1),
    }).start();
    const ds = Array.from({ length: 50 }, () => b.next());
    for (const d of ds) {
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(5_000);
    }
    const top = decorrelatedJitter({ initialMs: 100, maxMs: 5_000, random: () => 1 }).start();
    expect([top.next(), top.next(), top.next(), top.next()]).toEqual([300, 900, 2_700, 5_000]);
  });

  test("honours Retry-After as a minimum wait", async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    const policy = retry({ clock, maxAttempts: 2, budgetMs: 60_000, backoff: constantBackoff(10) });
    const done = policy.execute(async ({ attempt }) => {
      starts.push(clock.now());
      if (attempt === 1) throw new Flaky(5_000);
      return "ok";
    });
    await clock.tickAsync(4_999);
    expect(starts).toEqual([0]);
    await clock.tickAsync(1);
    expect(await done).toBe("ok");
    expect(starts).toEqual([0, 5_000]);
  });

  test("gives up at once when Retry-After would cross the deadline", async () => {
    const clock = new FakeClock();
    const policy = retry({ clock, maxAttempts: 5, budgetMs: 1_000, backoff: constantBackoff(10) });
    let calls = 0;
    const err = await policy
      .execute(async () => {
        calls++;
        throw new Flaky(2_000);
      })
      .catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect((err as RetryBudgetExceededError).limit).toBe("deadline");
  });

  test("does not retry errors that are not retryable", async () => {
    const clock = new FakeClock();
    let calls = 0;
    const err = await retry({ clock })
      .execute(async () => {
        calls++;
        throw new Fatal("no");
      })
      .catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(err).toBeInstanceOf(Fatal);
  });

  test("nothing runs past the caller's deadline", async () => {
    const clock = new FakeClock();
    const caller = new AbortController();
    clock.setTimeout(() => caller.abort(new TimeoutError(250)), 250);
    const starts: number[] = [];
    let lastSignal: AbortSignal | undefined;
    const done = retry({ clock, maxAttempts: 100, budgetMs: 60_000, backoff: constantBackoff(100) })
      .execute(
        async ({ signal }: PolicyContext) => {
          starts.push(clock.now());
          lastSignal = signal;
          throw new Flaky();
        },
        { signal: caller.signal },
      )
      .catch((e: unknown) => e);
    await clock.tickAsync(1_000);
    expect(await done).toBeInstanceOf(TimeoutError);
    expect(starts).toEqual([0, 100, 200]);
    expect(lastSignal?.aborted).toBe(true);
  });

  test("the budget aborts the attempt in flight", async () => {
    const clock = new FakeClock();
    let seen: AbortSignal | undefined;
    const done = retry({ clock, budgetMs: 500 })
      .execute(
        ({ signal }) =>
          new Promise((_, reject) => {
            seen = signal;
            signal.addEventListener("abort", () => reject(signal.reason));
          }),
      )
      .catch((e: unknown) => e);
    await clock.tickAsync(500);
    expect(seen?.aborted).toBe(true);
    expect(await done).toBeInstanceOf(RetryBudgetExceededError);
  });
});
