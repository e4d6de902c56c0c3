import { describe, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import type { AsyncMessage, Channel } from "rabbitmq-client";
import { coalesceAcks } from "./ack-coalescing";

/** A channel that records the frames it would send; `deliver(n)` hands over delivery tag n. */
function recordingChannel() {
  const frames: string[] = [];
  let consumer: (m: AsyncMessage) => void = () => {};
  const ch = Object.assign(new EventEmitter(), {
    active: true,
    basicAck: (p: { deliveryTag?: number; multiple?: boolean }) =>
      frames.push(`ack ${p.deliveryTag}${p.multiple ? " multiple" : ""}`),
    basicNack: (p: { deliveryTag?: number; multiple?: boolean }) =>
      frames.push(`nack ${p.deliveryTag}${p.multiple ? " multiple" : ""}`),
    basicConsume: async (_p: object, cb: (m: AsyncMessage) => void) => {
      consumer = cb;
      return { consumerTag: "c" };
    },
    close: async () => {
      frames.push("close");
    },
  });
  const channel = ch as unknown as Channel;
  coalesceAcks(channel);
  void channel.basicConsume({ queue: "q" }, () => {});
  const deliver = (...tags: number[]) => {
    for (const tag of tags) consumer({ deliveryTag: tag } as AsyncMessage);
  };
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  return { channel, frames, deliver, turn };
}

describe("coalesceAcks (frames sent)", () => {
  test("acks of one turn become one multiple ack", async () => {
    const { channel, frames, deliver, turn } = recordingChannel();
    deliver(1, 2, 3, 4);
    for (const tag of [2, 1, 4, 3]) channel.basicAck({ deliveryTag: tag });
    expect(frames).toEqual([]);
    await turn();
    expect(frames).toEqual(["ack 4 multiple"]);
  });

  test("never covers a delivery still in a handler: acks above it go singly", async () => {
    const { channel, frames, deliver, turn } = recordingChannel();
    deliver(1, 2, 3, 4, 5);
    for (const tag of [1, 2, 4, 5]) channel.basicAck({ deliveryTag: tag });
    await turn();
    expect(frames).toEqual(["ack 2 multiple", "ack 4", "ack 5"]);
    channel.basicAck({ deliveryTag: 3 });
    await turn();
    expect(frames.at(-1)).toBe("ack 3");
  });

  test("a nack goes out at once; the acks held stay held", async () => {
    const { channel, frames, deliver, turn } = recordingChannel();
    deliver(1, 2, 3);
    channel.basicAck({ deliveryTag: 1 });
    channel.basicNack({ deliveryTag: 2, requeue: true });
    expect(frames).toEqual(["nack 2"]);
    channel.basicAck({ deliveryTag: 3 });
    await turn();
    expect(frames).toEqual(["nack 2", "ack 3 multiple"]);
  });

  test("a caller's multiple nack sends the held acks first and settles what it covers", async () => {
    const { channel, frames, deliver, turn } = recordingChannel();
    deliver(1, 2, 3, 4, 5);
    channel.basicAck({ deliveryTag: 1 });
    channel.basicNack({ deliveryTag: 3, multiple: true, requeue: true });
    expect(frames).toEqual(["ack 1", "nack 3 multiple"]);
    // 2 and 3 are settled by the nack, so 5's ack may not cover 4, which is still outstanding.
    channel.basicAck({ deliveryTag: 5 });
    await turn();
    expect(frames.at(-1)).toBe("ack 5");
  });

  test("close sends what is held before closing; an unexpected close drops it", async () => {
    const a = recordingChannel();
    a.deliver(1, 2);
    a.channel.basicAck({ deliveryTag: 1 });
    a.channel.basicAck({ deliveryTag: 2 });
    await a.channel.close();
    expect(a.frames).toEqual(["ack 2 multiple", "close"]);

    const b = recordingChannel();
    b.deliver(1);
    b.channel.basicAck({ deliveryTag: 1 });
    (b.channel as unknown as EventEmitter).emit("close");
    await b.turn();
    expect(b.frames).toEqual([]);
  });
});
