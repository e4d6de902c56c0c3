import { expect, test } from "bun:test";
import { UnknownConsumerError } from "../errors";
import { waitFor } from "../wait-for";
import { type ConformanceContext, fixture, orderIdOf } from "./fixture";

export function deadLetterCases(context: ConformanceContext): void {
  test("dead-letters after the last attempt with the reason, origin and attempt history", async () => {
    const f = fixture();
    const bus = await context.bus(f.options([20, 20]));
    const consumer = f.consumer("c");
    let calls = 0;
    await bus.subscribe({ consumer, patterns: [f.type("order.*")] }, () => {
      calls++;
      throw new Error("boom");
    });
    const published = await bus.publish({ type: f.type("order.filled"), data: { orderId: "a" } });
    await waitFor(async () => (await bus.dlq.depth(consumer)) === 1, {
      message: "the DLQ to hold the event",
    });
    const [dead] = await bus.dlq.browse(consumer);
    expect(calls).toBe(3);
    expect(dead).toMatchObject({
      id: published.id,
      consumer,
      origin: consumer,
      reason: "failed after 3 attempts: boom",
    });
    expect(dead!.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(dead!.attempts.every((a) => a.error === "boom" && !Number.isNaN(Date.parse(a.at)))).toBe(true);
    expect(dead!.event).toEqual(published);
    expect(Number.isNaN(Date.parse(dead!.deadAt))).toBe(false);
  });

  test("browse reads without removing, honours its limit, and depth counts", async () => {
    const f = fixture();
    const bus = await context.bus(f.options([]));
    const consumer = f.consumer("c");
    await bus.subscribe({ consumer, patterns: [f.type("order.*")] }, () => {
      throw new Error("no");
    });
    for (const orderId of ["a", "b", "c"])
      await bus.publish({ type: f.type("order.filled"), data: { orderId } });
    await waitFor(async () => (await bus.dlq.depth(consumer)) === 3);
    const first = await bus.dlq.browse(consumer);
    const second = await bus.dlq.browse(consumer);
    expect(first.map((d) => orderIdOf(d.event!)).sort()).toEqual(["a", "b", "c"]);
    expect(second.map((d) => d.id).sort()).toEqual(first.map((d) => d.id).sort());
    expect(await bus.dlq.browse(consumer, { limit: 2 })).toHaveLength(2);
    expect(await bus.dlq.depth(consumer)).toBe(3);
  });

  test("replay sends dead letters back to their origin with a fresh ladder, by id or all, each once", async () => {
    const f = fixture();
    const bus = await context.bus(f.options([]));
    const consumer = f.consumer("c");
    let broken = true;
    const processed: string[] = [];
    await bus.subscribe({ consumer, patterns: [f.type("order.*")] }, (event, ctx) => {
      if (broken) throw new Error("bug");
      expect(ctx.attempt).toBe(1);
      processed.push(orderIdOf(event));
    });
    const events = [];
    for (const orderId of ["a", "b", "c"]) {
      events.push(await bus.publish({ type: f.type("order.filled"), data: { orderId } }));
    }
    await waitFor(async () => (await bus.dlq.depth(consumer)) === 3);
    broken = false;
    expect(await bus.dlq.replay(consumer, { ids: [events[1]!.id] })).toEqual({ replayed: 1 });
    await waitFor(() => processed.length === 1);
    expect(processed).toEqual(["b"]);
    expect(await bus.dlq.depth(consumer)).toBe(2);
    expect(await bus.dlq.replay(consumer)).toEqual({ replayed: 2 });
    await waitFor(() => processed.length === 3);
    await bus.publish({ type: f.type("order.filled"), data: { orderId: "sentinel" } });
    await waitFor(() => processed.includes("sentinel"));
    expect(processed.sort()).toEqual(["a", "b", "c", "sentinel"]);
    expect(await bus.dlq.depth(consumer)).toBe(0);
  });

  test("purge empties the DLQ and says how many it removed", async () => {
    const f = fixture();
    const bus = await context.bus(f.options([]));
    const consumer = f.consumer("c");
    await bus.subscribe({ consumer, patterns: [f.type("order.*")] }, () => {
      throw new Error("no");
    });
    for (const orderId of ["a", "b"]) await bus.publish({ type: f.type("order.filled"), data: { orderId } });
    await waitFor(async () => (await bus.dlq.depth(consumer)) === 2);
    expect(await bus.dlq.purge(consumer)).toEqual({ purged: 2 });
    expect(await bus.dlq.depth(consumer)).toBe(0);
    expect(await bus.dlq.browse(consumer)).toEqual([]);
  });

  test("DLQ operations on a consumer without queues throw UnknownConsumerError", async () => {
    const f = fixture();
    const bus = await context.bus(f.options());
    await expect(bus.dlq.depth(f.consumer("ghost"))).rejects.toBeInstanceOf(UnknownConsumerError);
    await expect(bus.dlq.browse(f.consumer("ghost"))).rejects.toBeInstanceOf(UnknownConsumerError);
    await expect(bus.queueStats(f.consumer("ghost"))).rejects.toBeInstanceOf(UnknownConsumerError);
  });
}
