import { expect, test } from "bun:test";
import type { DeliveryContext, EventEnvelope } from "../types";
import { waitFor } from "../wait-for";
import { type ConformanceContext, fixture, gate, orderIdOf } from "./fixture";

export function deliveryCases(context: ConformanceContext): void {
  test("acks only after the handler succeeds: nothing is redelivered to the next subscriber", async () => {
    const f = fixture();
    const bus = await context.bus(f.options());
    const release = gate();
    const handled: string[] = [];
    const consumer = f.consumer("c");
    const first = await bus.subscribe({ consumer, patterns: [f.type("order.*")] }, async (event) => {
      await release.opened;
      handled.push(orderIdOf(event));
    });
    await bus.publish({ type: f.type("order.filled"), data: { orderId: "a" } });
    await waitFor(() => first.stats().inFlight === 1, { message: "the handler to start" });
    expect(handled).toEqual([]);
    release.open();
    await waitFor(() => first.stats().succeeded === 1);
    await first.close();

    const again: string[] = [];
    await bus.subscribe(
      { consumer, patterns: [f.type("order.*")] },
      (event) => void again.push(orderIdOf(event)),
    );
    await bus.publish({ type: f.type("order.filled"), data: { orderId: "sentinel" } });
    await waitFor(() => again.includes("sentinel"));
    expect(again).toEqual(["sentinel"]);
    expect(handled).toEqual(["a"]);
  });

  test("a failing handler is retried after each configured delay, with its history", async () => {
    const f = fixture();
    const bus = await context.bus(f.options([80, 160]));
    const calls: { at: number; context: DeliveryContext }[] = [];
    await bus.subscribe({ consumer: f.consumer("c"), patterns: [f.type("order.*")] }, (_event, ctx) => {
      calls.push({ at: performance.now(), context: ctx });
      if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
    });
    await bus.publish({ type: f.type("order.filled"), data: { orderId: "a" } });
    await waitFor(() => calls.length === 3, { message: "3 attempts" });
    expect(calls.map((c) => c.context.attempt)).toEqual([1, 2, 3]);
    expect(calls[0]!.context.maxAttempts).toBe(3);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(75);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(150);
    expect(calls[2]!.context.history.map((h) => [h.attempt, h.error])).toEqual([
      [1, "flaky 1"],
      [2, "flaky 2"],
    ]);
    expect(await bus.dlq.depth(f.consumer("c"))).toBe(0);
  });

  test("an error with retryable: false skips the remaining attempts and goes to the DLQ", async () => {
    const f = fixture();
    const bus = await context.bus(f.options([30, 30, 30]));
    let calls = 0;
    const consumer = f.consumer("c");
    await bus.subscribe({ consumer, patterns: [f.type("order.*")] }, () => {
      calls++;
      throw Object.assign(new Error("order is gone"), { code: "GONE", retryable: false });
    });
    await bus.publish({ type: f.type("order.filled"), data: { orderId: "a" } });
    await waitFor(async () => (await bus.dlq.depth(consumer)) === 1);
    const [dead] = await bus.dlq.browse(consumer);
    expect(calls).toBe(1);
    expect(dead!.reason).toBe("non-retryable error: order is gone");
    expect(dead!.attempts).toMatchObject([{ attempt: 1, error: "order is gone", code: "GONE" }]);
  });

  test("a consumed event whose payload breaks the schema goes straight to the DLQ, naming the field", async () => {
    const f = fixture();
    const consumerBus = await context.bus(f.options());
    const loosePublisher = await context.bus({ ...f.options(), catalog: f.looseCatalog });
    const consumer = f.consumer("c");
    const handled: EventEnvelope[] = [];
    await consumerBus.subscribe({ consumer, patterns: [f.type("order.*")] }, (e) => void handled.push(e));
    const bad = await loosePublisher.publish({
      type: f.type("order.placed"),
      data: { orderId: "a", qty: 12 },
    });
    await loosePublisher.publish({ type: f.type("order.placed"), data: { orderId: "b", qty: "12" } });
    await waitFor(() => handled.length === 1);
    await waitFor(async () => (await consumerBus.dlq.depth(consumer)) === 1);
    expect(handled.map(orderIdOf)).toEqual(["b"]);
    const [dead] = await consumerBus.dlq.browse(consumer);
    expect(dead!.id).toBe(bad.id);
    expect(dead!.reason).toStartWith("invalid payload: /qty");
    expect(dead!.attempts).toEqual([]);
    expect(dead!.event).toEqual(bad);
  });
}
