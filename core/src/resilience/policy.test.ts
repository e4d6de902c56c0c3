import { expect, test } from "bun:test";
import { circuitBreaker } from "./circuit-breaker";
import { BrokenCircuitError, TimeoutError } from "./errors";
import { FakeClock } from "./fake-clock";
import { type Policy, wrap } from "./policy";
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
