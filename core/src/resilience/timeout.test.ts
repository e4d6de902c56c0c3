import { describe, expect, test } from "bun:test";
import { TimeoutError } from "./errors";
import { FakeClock } from "./fake-clock";
import { timeout } from "./timeout";

describe("timeout", () => {
  test("aborts the signal and rejects with TimeoutError (504) at the limit", async () => {
    const clock = new FakeClock();
    let signal: AbortSignal | undefined;
    const done = timeout({ ms: 100, clock })
      .execute((ctx) => {
        signal = ctx.signal;
        return new Promise(() => {});
      })
      .catch((e: unknown) => e);
    clock.tick(99);
    expect(signal?.aborted).toBe(false);
    clock.tick(1);
    const err = await done;
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).status).toBe(504);
    expect(signal?.aborted).toBe(true);
  });

  test("cooperative mode waits for the function to settle and reports the timeout", async () => {
    const clock = new FakeClock();
    const done = timeout({ ms: 50, clock, mode: "cooperative" })
      .execute(
        ({ signal }) =>
          new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")))),
      )
      .catch((e: unknown) => e);
    clock.tick(50);
    expect(await done).toBeInstanceOf(TimeoutError);
  });

  test("passes results through and clears its timer", async () => {
    const clock = new FakeClock();
    expect(await timeout({ ms: 50, clock }).execute(async () => 7)).toBe(7);
    expect(clock.pending).toBe(0);
  });

  test("follows the caller's signal", async () => {
    const clock = new FakeClock();
    const caller = new AbortController();
    let inner: AbortSignal | undefined;
    const done = timeout({ ms: 1_000, clock, mode: "cooperative" })
      .execute(
        ({ signal }) =>
          new Promise((_, reject) => {
            inner = signal;
            signal.addEventListener("abort", () => reject(signal.reason));
          }),
        { signal: caller.signal },
      )
      .catch((e: unknown) => e);
    caller.abort(new Error("caller gone"));
    expect(((await done) as Error).message).toBe("caller gone");
    expect(inner?.aborted).toBe(true);
  });
});
