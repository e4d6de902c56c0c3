import { expect, test } from "bun:test";
import { InvalidEventError, UnknownEventTypeError, UnroutableEventError } from "../errors";
import type { EventEnvelope } from "../types";
import { waitFor } from "../wait-for";
import { type ConformanceContext, fixture } from "./fixture";

export function publishCases(context: ConformanceContext): void {
  test("delivers by topic pattern: * is one word, # any number, and nothing else", async () => {
    const f = fixture();
    const bus = await context.bus(f.options());
    const seen: Record<string, string[]> = { orders: [], all: [], venueOne: [], venueAny: [] };
    const record = (name: string) => (event: EventEnvelope) => void seen[name]!.push(event.type);
    await bus.subscribe({ consumer: f.consumer("orders"), patterns: [f.type("order.*")] }, record("orders"));
    await bus.subscribe({ consumer: f.consumer("all"), patterns: [`${f.ns}.#`] }, record("all"));
    await bus.subscribe(
      { consumer: f.consumer("venue-one"), patterns: [f.type("venue.*")] },
      record("venueOne"),
    );
    await bus.subscribe(
      { consumer: f.consumer("venue-any"), patterns: [f.type("venue.#")] },
      record("venueAny"),
    );
    await bus.publish({ type: f.type("order.placed"), data: { orderId: "o1", qty: "1" } });
    await bus.publish({ type: f.type("order.filled"), data: { orderId: "o1" } });
    await bus.publish({ type: f.type("venue.order.filled"), data: { orderId: "o1" } });
    await waitFor(() => seen.all!.length === 3 && seen.orders!.length === 2 && seen.venueAny!.length === 1);
    expect(seen.orders).toEqual([f.type("order.placed"), f.type("order.filled")]);
    expect(seen.venueAny).toEqual([f.type("venue.order.filled")]);
    expect(seen.venueOne).toEqual([]);
    expect((await bus.queueStats(f.consumer("venue-one"))).depth).toBe(0);
  });

  test("publish resolves with the CloudEvents envelope the consumer receives", async () => {
    const f = fixture();
    const now = Date.parse("2030-01-02T03:04:05.678Z");
    const bus = await context.bus({ ...f.options(), clock: { now: () => now } });
    const received: EventEnvelope[] = [];
    await bus.subscribe(
      { consumer: f.consumer("c"), patterns: [f.type("order.*")] },
      (e) => void received.push(e),
    );
    const published = await bus.publish({
      type: f.type("order.placed"),
      subject: "order-42",
      data: { orderId: "order-42", qty: "3" },
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      correlationid: "corr-1",
      causationid: "cause-1",
      priority: 5,
    });
    expect(published).toMatchObject({
      specversion: "1.0",
      source: `/tests/${f.ns}`,
      type: f.type("order.placed"),
      time: "2030-01-02T03:04:05.678Z",
      subject: "order-42",
      datacontenttype: "application/json",
      data: { orderId: "order-42", qty: "3" },
      correlationid: "corr-1",
      causationid: "cause-1",
      priority: 5,
    });
    expect(published.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(published.id.replaceAll("-", "").slice(0, 12), 16)).toBe(now);
    await waitFor(() => received.length === 1);
    expect(received[0]).toEqual(published);
  });

  test("publishing an invalid payload throws InvalidEventError listing every bad field, and sends nothing", async () => {
    const f = fixture();
    const bus = await context.bus(f.options());
    await bus.subscribe({ consumer: f.consumer("c"), patterns: [f.type("#")] }, () => {});
    const attempt = bus.publish({
      type: f.type("order.placed"),
      data: { orderId: 7, qty: "three" } as never,
    });
    const error = (await attempt.catch((e: unknown) => e)) as InvalidEventError;
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.code).toBe("INVALID_EVENT");
    expect(error.retryable).toBe(false);
    expect(error.issues.map((i) => i.path).sort()).toEqual(["/orderId", "/qty"]);
    expect(error.message).toContain("/orderId");
    expect(error.message).toContain("/qty");
    expect((await bus.queueStats(f.consumer("c"))).depth).toBe(0);
  });

  test("publishing a type outside the catalogue throws UnknownEventTypeError", async () => {
    const f = fixture();
    const bus = await context.bus(f.options());
    const error = await bus.publish({ type: f.type("nope"), data: {} } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownEventTypeError);
  });

  test("an event no queue is bound for rejects with UnroutableEventError, never a silent drop", async () => {
    const f = fixture();
    const bus = await context.bus(f.options());
    await bus.subscribe({ consumer: f.consumer("c"), patterns: [f.type("order.*")] }, () => {});
    const error = (await bus
      .publish({ type: f.type("venue.order.filled"), data: { orderId: "o1" } })
      .catch((e: unknown) => e)) as UnroutableEventError;
    expect(error).toBeInstanceOf(UnroutableEventError);
    expect(error.code).toBe("UNROUTABLE_EVENT");
    expect(error.eventType).toBe(f.type("venue.order.filled"));
    // The bus stays usable after a return.
    await bus.publish({ type: f.type("order.filled"), data: { orderId: "o2" } });
  });

  test("publishEncoded sends a stored envelope's text as it is, with its traceparent put in", async () => {
    const f = fixture();
    const bus = await context.bus(f.options());
    const received: EventEnvelope[] = [];
    await bus.subscribe(
      { consumer: f.consumer("c"), patterns: [f.type("order.*")] },
      (e) => void received.push(e),
    );
    const stored = {
      specversion: "1.0",
      id: Bun.randomUUIDv7(),
      source: "/services/elsewhere",
      type: f.type("order.placed"),
      time: "2030-01-02T03:04:05.678Z",
      subject: "order-7",
      datacontenttype: "application/json",
      data: { orderId: "order-7", qty: "2" },
      correlationid: "corr-7",
      priority: 3,
    };
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const { id, type, time, correlationid, priority } = stored;
    const createdMs = Date.parse(time);
    await bus.publishEncoded({
      id,
      type,
      createdMs,
      correlationid,
      priority,
      traceparent,
      json: JSON.stringify(stored),
    });
    // Without a traceparent the text goes out unchanged.
    const second = {
      ...stored,
      id: Bun.randomUUIDv7(),
      type: f.type("order.filled"),
      data: { orderId: "o8" },
    };
    await bus.publishEncoded({ id: second.id, type: second.type, createdMs, json: JSON.stringify(second) });
    await waitFor(() => received.length === 2);
    expect(received.find((e) => e.id === id)).toEqual({ ...stored, traceparent } as EventEnvelope);
    expect(received.find((e) => e.id === second.id)).toEqual(second as EventEnvelope);
  });

  test("publishEncoded of an event no queue is bound for rejects with UnroutableEventError", async () => {
    const f = fixture();
    const bus = await context.bus(f.options());
    await bus.subscribe({ consumer: f.consumer("c"), patterns: [f.type("order.*")] }, () => {});
    const id = Bun.randomUUIDv7();
    const type = f.type("venue.order.filled");
    const time = new Date().toISOString();
    const json = JSON.stringify({
      specversion: "1.0",
      id,
      source: "/x",
      type,
      time,
      data: { orderId: "o1" },
    });
    const error = await bus
      .publishEncoded({ id, type, createdMs: Date.now(), json })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnroutableEventError);
    expect((error as UnroutableEventError).eventType).toBe(type);
  });
}
