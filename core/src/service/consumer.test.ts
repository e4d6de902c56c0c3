import { expect, test } from "bun:test";
import { type AnyEventBus, createInProcessBus, defineEvents, Type } from "../bus";
import { createLogger } from "../log";
import { waitFor } from "../testing/wait-for";
import { consumerAttachment } from "./consumer";

const events = defineEvents({ "order.placed": Type.Object({ orderId: Type.String() }) });
const lines: Record<string, unknown>[] = [];
const log = createLogger({ level: "debug", write: (l) => lines.push(JSON.parse(l)) });

/** The bus, whose `subscribe` fails `refusals` times first (as while the broker is down), or never settles. */
function flakyBus(refusals: number, hang = false) {
  const bus = createInProcessBus({ catalog: events, source: "/services/trading" });
  let calls = 0;
  const flaky = Object.create(bus) as AnyEventBus;
  flaky.subscribe = (options, handler) => {
    calls++;
    if (hang) return new Promise(() => {});
    if (calls <= refusals) return Promise.reject(new Error("connection refused"));
    return bus.subscribe(options, handler);
  };
  return { bus, flaky, calls: () => calls };
}

test("subscribes again in the background until the broker takes it, then consumes", async () => {
  const { bus, flaky, calls } = flakyBus(2);
  const seen: string[] = [];
  const consumer = consumerAttachment({
    bus: flaky,
    log,
    subscribe: { consumer: "dashboard", patterns: ["order.*"] },
    handler: (e) => {
      seen.push((e.data as { orderId: string }).orderId);
    },
    retryMs: 5,
  });
  await consumer.onStart!({} as never); // the first refusal does not fail the start
  expect(consumer.subscription()).toBeUndefined();
  await waitFor(() => consumer.subscription() !== undefined);
  expect(calls()).toBe(3);
  expect(lines.some((l) => l.msg === "could not subscribe; trying again" && l.consumer === "dashboard")).toBe(
    true,
  );
  await bus.publish({ type: "order.placed", subject: "a", data: { orderId: "a" } });
  await waitFor(() => seen.length === 1);
  await consumer.onStop!();
  expect((await bus.queueStats("dashboard")).consumers).toBe(0);
  await bus.close();
});

test("stopping cancels the retries", async () => {
  const { bus, flaky, calls } = flakyBus(Number.POSITIVE_INFINITY);
  const consumer = consumerAttachment({
    bus: flaky,
    log,
    subscribe: { consumer: "dashboard", patterns: ["order.*"] },
    handler: () => {},
    retryMs: 5,
  });
  await consumer.onStart!({} as never);
  await waitFor(() => calls() >= 2);
  await consumer.onStop!();
  const after = calls();
  await Bun.sleep(50); // several retry intervals: none may start
  expect(calls()).toBe(after);
  await bus.close();
});

test("a subscribe that never answers holds the start up only so long", async () => {
  const { bus, flaky } = flakyBus(0, true);
  const consumer = consumerAttachment({
    bus: flaky,
    log,
    subscribe: { consumer: "dashboard", patterns: ["order.*"] },
    handler: () => {},
    firstAttemptMs: 30,
  });
  const started = performance.now();
  await consumer.onStart!({} as never);
  expect(performance.now() - started).toBeLessThan(1_000);
  expect(consumer.subscription()).toBeUndefined();
  await consumer.onStop!();
  await bus.close();
});
