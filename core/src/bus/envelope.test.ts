import { describe, expect, test } from "bun:test";
import { Type } from "@sinclair/typebox";
import { defineEvents } from "./catalog";
import { createEnvelope, encodedBody, parseEnvelope } from "./envelope";
import { InvalidEventError, UnknownEventTypeError } from "./errors";

const events = defineEvents({
  "order.placed": Type.Object({ orderId: Type.String(), qty: Type.String() }),
});

describe("createEnvelope", () => {
  test("fills id, time and source from the injected clock and id source", () => {
    const envelope = createEnvelope(
      { type: "order.placed", data: { orderId: "o1", qty: "1" }, subject: "o1" },
      { source: "/services/trading", clock: { now: () => 0 }, newId: (now) => `id-${now}` },
    );
    expect(envelope).toEqual({
      specversion: "1.0",
      id: "id-0",
      source: "/services/trading",
      type: "order.placed",
      time: "1970-01-01T00:00:00.000Z",
      subject: "o1",
      datacontenttype: "application/json",
      data: { orderId: "o1", qty: "1" },
    });
  });

  test("rejects a priority outside 0–9 and a malformed traceparent", () => {
    const make = (extra: object) => () =>
      createEnvelope({ type: "order.placed", data: { orderId: "o1", qty: "1" }, ...extra }, { source: "/s" });
    expect(make({ priority: 10 })).toThrow(InvalidEventError);
    expect(make({ traceparent: "nope" })).toThrow(/\/traceparent/);
  });
});

describe("encodedBody", () => {
  const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  const base = { id: "e1", type: "order.placed", createdMs: Date.parse("2030-01-01T00:00:00.000Z") };

  test("puts the traceparent in front of the stored members, which stay as they were written", () => {
    // jsonb's text form: a space after every colon and comma, members in jsonb's order.
    const json = '{"id": "e1", "data": {"traceparent": "inner"}, "type": "order.placed"}';
    const body = encodedBody({ ...base, traceparent, json });
    expect(body).toBe(
      `{"traceparent":"${traceparent}","id": "e1", "data": {"traceparent": "inner"}, "type": "order.placed"}`,
    );
    expect(JSON.parse(body)).toEqual({
      traceparent,
      id: "e1",
      data: { traceparent: "inner" },
      type: "order.placed",
    });
  });

  test("leaves the text alone without a traceparent, and writes an empty object's right", () => {
    expect(encodedBody({ ...base, json: '{"id": "e1"}' })).toBe('{"id": "e1"}');
    expect(JSON.parse(encodedBody({ ...base, traceparent, json: "{ }" }))).toEqual({ traceparent });
  });
});

describe("parseEnvelope", () => {
  test("says why a body is not an envelope", () => {
    expect(parseEnvelope("{")).toMatchObject({ ok: false, reason: expect.stringContaining("not JSON") });
    expect(parseEnvelope(Buffer.from('{"specversion":"0.3"}'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining("/specversion"),
    });
  });
});

describe("defineEvents", () => {
  test("lists every bad field of a payload", () => {
    expect(() => events.assert("order.placed", { orderId: 1 })).toThrow(InvalidEventError);
    expect(events.issues("order.placed", { orderId: 1 }).map((i) => i.path)).toEqual(["/qty", "/orderId"]);
    expect(events.issues("order.placed", { orderId: "o", qty: "1" })).toEqual([]);
  });

  test("knows only its own types", () => {
    expect(events.has("order.placed")).toBe(true);
    expect(() => events.issues("order.lost", {})).toThrow(UnknownEventTypeError);
  });
});
