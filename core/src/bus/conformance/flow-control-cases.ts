import { expect, test } from "bun:test";
import { createEnvelope } from "../envelope";
import { DuplicateSubscriptionError } from "../errors";
import { waitFor } from "../wait-for";
import { type ConformanceContext, fixture, gate, orderIdOf } from "./fixture";

export function flowControlCases(context: ConformanceContext): void {
  test("runs at most `concurrency` handlers and holds at most `prefetch` deliveries", async () => {
    const f = fixture();
    const bus = await context.bus(f.options());
    const consumer = f.consumer("c");
    const release = gate();
    let running = 0;
    let peak = 0;
    let done = 0;
    const sub = await bus.subscribe(
      { consumer, patterns: [f.type("order.*")], concurrency: 3, prefetch: 5 },
      async () => {
        peak = Math.max(peak, ++running);
        await release.opened;
        running--;
        done++;
      },
    );
    for (let i = 0; i < 10; i++)
      await bus.publish({ type: f.type("order.filled"), data: { orderId: `o${i}` } });
    await waitFor(() => sub.stats().inFlight === 3 && sub.stats().buffered === 2, {
      message: "3 running, 2 buffered",
    });
    await waitFor(async () => (await bus.queueStats(consumer)).depth === 5, {
      message: "5 left in the queue",
    });
    release.open();
    await waitFor(() => done === 10);
    expect(peak).toBe(3);
  });

  for (const via of ["publish", "publishEncoded"] as const) {
    test(`handles higher-priority events first within the prefetch window (${via})`, async () => {
      const f = fixture();
      const bus = await context.bus(f.options());
      const order: number[] = [];
      const sub = await bus.subscribe(
        { consumer: f.consumer("c"), patterns: [f.type("order.*")], concurrency: 1, prefetch: 20 },
        (event) => void order.push(event.priority ?? 0),
      );
      sub.pause();
      for (let i = 0; i < 20; i++) {
        const input = {
          type: f.type("order.filled"),
          data: { orderId: `o${i}` },
          priority: i % 2 === 0 ? 1 : 8,
        };
        if (via === "publish") await bus.publish(input);
        else {
          const envelope = createEnvelope(input, { source: "/tests/encoded" });
          const { id, type, time, priority } = envelope;
          const createdMs = Date.parse(time);
          await bus.publishEncoded({ id, type, createdMs, priority, json: JSON.stringify(envelope) });
        }
      }
      await waitFor(() => sub.stats().buffered === 20, { message: "20 buffered" });
      sub.resume();
      await waitFor(() => order.length === 20);
      expect(order).toEqual([...Array(10).fill(8), ...Array(10).fill(1)]);
    });
  }

  test("close lets in-flight handlers finish and returns buffered deliveries to the queue", async () => {
    const f = fixture();
    const bus = await context.bus(f.options());
    const consumer = f.consumer("c");
    const release = gate();
    const finished: string[] = [];
    const sub = await bus.subscribe(
      { consumer, patterns: [f.type("order.*")], concurrency: 1, prefetch: 5 },
      async (e) => {
        await release.opened;
        finished.push(orderIdOf(e));
      },
    );
    for (const orderId of ["a", "b", "c"])
      await bus.publish({ type: f.type("order.filled"), data: { orderId } });
    await waitFor(() => sub.stats().inFlight === 1 && sub.stats().buffered === 2);
    let closed = false;
    const closing = sub.close().then(() => {
      closed = true;
    });
    await Bun.sleep(0);
    expect(closed).toBe(false);
    release.open();
    await closing;
    expect(finished).toEqual(["a"]);

    const rest: string[] = [];
    await bus.subscribe({ consumer, patterns: [f.type("order.*")] }, (e) => void rest.push(orderIdOf(e)));
    await waitFor(() => rest.length === 2, { message: "the buffered deliveries to come back" });
    expect(rest.sort()).toEqual(["b", "c"]);
  });

  test("queueStats reports the queue, its retry stages and its DLQ", async () => {
    const f = fixture();
    const bus = await context.bus(f.options([60_000]));
    const consumer = f.consumer("c");
    let calls = 0;
    await bus.subscribe({ consumer, patterns: [f.type("order.*")] }, () => {
      calls++;
      throw new Error("later");
    });
    await bus.publish({ type: f.type("order.filled"), data: { orderId: "a" } });
    await waitFor(async () => (await bus.queueStats(consumer)).retryDepths[0]?.depth === 1);
    expect(await bus.queueStats(consumer)).toEqual({
      consumer,
      depth: 0,
      consumers: 1,
      dlqDepth: 0,
      retryDepths: [{ delayMs: 60_000, depth: 1 }],
    });
    expect(calls).toBe(1);
  });

  test("queueStats counts the consumers on the queue: every bus's subscription, none once they close", async () => {
    const f = fixture();
    const consumer = f.consumer("c");
    const [one, two] = [await context.bus(f.options()), await context.bus(f.options())];
    const first = await one.subscribe({ consumer, patterns: [f.type("order.*")] }, () => {});
    expect((await one.queueStats(consumer)).consumers).toBe(1);
    const second = await two.subscribe({ consumer, patterns: [f.type("order.*")] }, () => {});
    await waitFor(async () => (await one.queueStats(consumer)).consumers === 2, { message: "two consumers" });
    await first.close();
    await second.close();
    await waitFor(async () => (await two.queueStats(consumer)).consumers === 0, { message: "no consumers" });
  });

  test("one subscription per consumer per bus", async () => {
    const f = fixture();
    const bus = await context.bus(f.options());
    await bus.subscribe({ consumer: f.consumer("c"), patterns: [f.type("order.*")] }, () => {});
    await expect(
      bus.subscribe({ consumer: f.consumer("c"), patterns: [f.type("order.*")] }, () => {}),
    ).rejects.toBeInstanceOf(DuplicateSubscriptionError);
  });
}
