import { describe, expect, test } from "bun:test";
import rabbitCodec from "rabbitmq-client/lib/codec.js";
import {
  type ClientCodec,
  encodePublish,
  libraryContentFrames,
  PACKED,
  type PublishParams,
} from "./amqp-publish-frames";

const FRAME_MAX = 4096;

const all = (frames: Iterator<Buffer>): Buffer[] => {
  const out: Buffer[] = [];
  for (let next = frames.next(); !next.done; next = frames.next()) out.push(next.value);
  return out;
};

/** What rabbitmq-client's own codec writes for one publish: its frames, one after another. */
const library = (channelId: number, params: PublishParams, body: Buffer) =>
  Buffer.concat(all(libraryContentFrames(channelId, params, body, FRAME_MAX)));

/** As `basicPublish` fills them in before it calls the codec. */
const filled = (params: PublishParams): PublishParams => ({
  timestamp: 1_700_000_000,
  ...params,
  deliveryMode: 2,
  rsvp1: 0,
});

const event: PublishParams = {
  exchange: "diana.events",
  routingKey: "order.placed",
  mandatory: true,
  messageId: "0193b9a4-6f1e-7c2a-9d3b-5e8f0a1b2c3d",
  type: "order.placed",
  contentType: "application/cloudevents+json",
  timestamp: 1_764_201_600,
};

describe("encodePublish", () => {
  const cases: Array<[string, PublishParams, Buffer]> = [
    ["an event as the bus sends it", event, Buffer.from('{"id":"x","data":{"qty":"1"}}')],
    [
      "with priority and correlation id",
      { ...event, priority: 7, correlationId: "corr-1" },
      Buffer.from("{}"),
    ],
    ["priority 0 is still a property", { ...event, priority: 0 }, Buffer.from("{}")],
    ["non-ASCII strings", { ...event, routingKey: "ordre.passé", correlationId: "clé-é" }, Buffer.from("é")],
    ["an empty body has no body frame", event, Buffer.alloc(0)],
    ["no exchange, no properties", { routingKey: "q" }, Buffer.from("x")],
    [
      "immediate and contentEncoding",
      { ...event, immediate: true, contentEncoding: "gzip" },
      Buffer.from("z"),
    ],
    ["a timestamp past 32 bits", { ...event, timestamp: 2 ** 40 + 5 }, Buffer.from("t")],
    ["a body that just fits one frame", event, Buffer.alloc(FRAME_MAX, 7)],
  ];
  for (const [name, params, body] of cases) {
    test(`writes the library's bytes: ${name}`, () => {
      const p = filled(params);
      expect(encodePublish(3, p, body, FRAME_MAX)).toEqual(library(3, p, body));
    });
  }

  test("leaves to the library what it does not write", () => {
    const body = Buffer.from("{}");
    for (const params of [
      { ...event, headers: { "x-attempt": 1 } },
      { ...event, replyTo: "r" },
      { ...event, expiration: "1000" },
      { ...event, userId: "guest" },
      { ...event, appId: "a" },
      { ...event, clusterId: "c" },
      { ...event, messageId: "x".repeat(256) },
      { ...event, routingKey: "k".repeat(256) },
      { ...event, priority: 256 },
      { ...event, timestamp: 1.5 },
    ]) {
      expect(encodePublish(1, filled(params), body, FRAME_MAX)).toBeUndefined();
    }
    expect(encodePublish(1, filled(event), Buffer.alloc(FRAME_MAX + 1), FRAME_MAX)).toBeUndefined();
    // The library still encodes it (in several body frames).
    expect(all(libraryContentFrames(1, filled(event), Buffer.alloc(FRAME_MAX + 1), FRAME_MAX))).toHaveLength(
      4,
    );
  });

  test("the codec the channel calls writes marked envelopes in one buffer and the rest as before", () => {
    const codec = rabbitCodec as unknown as ClientCodec;
    const body = Buffer.from('{"a":1}');
    const frames = (params: PublishParams) => all(codec.genContentFrames(2, params, body, FRAME_MAX));
    const marked = frames(filled({ ...event, [PACKED]: true }));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toEqual(library(2, filled(event), body));
    expect(frames(filled(event))).toHaveLength(3); // unmarked: the library's three frames
    // Marked but beyond what encodePublish writes: the library's frames.
    expect(frames(filled({ ...event, headers: { h: 1 }, [PACKED]: true }))).toHaveLength(3);
  });
});
