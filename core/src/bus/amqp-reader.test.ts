import { afterAll, describe, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { Connection } from "rabbitmq-client";
import { waitFor } from "../testing";
import { createAmqpConnection } from "./amqp-connection";
import { createFrameReader, framesReadByDiana } from "./amqp-reader";
import { testVhost } from "./rabbitmq-test-vhost";

/** A paused-mode socket stand-in: `deliver` queues a chunk and emits `readable`, `end` closes it. */
function fakeSocket() {
  const emitter = new EventEmitter();
  const queued: Buffer[] = [];
  const socket = Object.assign(emitter, {
    readable: true,
    read: () => queued.shift() ?? null,
    unshift: (_chunk: Buffer | string) => {
      throw new Error("the reader replaces unshift");
    },
    deliver(...chunks: string[]) {
      queued.push(...chunks.map((c) => Buffer.from(c)));
      emitter.emit("readable");
    },
    end() {
      socket.readable = false;
      emitter.emit("close");
    },
  });
  return socket;
}
const text = async (b: Buffer | Promise<Buffer>) => (await b).toString();

describe("createFrameReader", () => {
  test("answers at once from what arrived, across chunks, in order", async () => {
    const socket = fakeSocket();
    const read = createFrameReader(socket as never);
    socket.deliver("abc", "defg", "h");
    const first = read(2);
    expect(first).toBeInstanceOf(Buffer); // no promise when the bytes are there
    expect(await text(first)).toBe("ab");
    expect(await text(read(4))).toBe("cdef"); // spans two chunks
    expect(await text(read(2))).toBe("gh");
  });

  test("a read waits for the bytes it lacks", async () => {
    const socket = fakeSocket();
    const read = createFrameReader(socket as never);
    socket.deliver("ab");
    const pending = read(5);
    expect(pending).toBeInstanceOf(Promise);
    socket.deliver("cd");
    socket.deliver("efg");
    expect(await text(pending)).toBe("abcde");
    expect(await text(read(2))).toBe("fg");
  });

  test("unshifted bytes come back first, before what was still buffered", async () => {
    const socket = fakeSocket();
    const read = createFrameReader(socket as never);
    socket.deliver("AMQPxxxxrest");
    const peek = await read(8);
    socket.unshift(peek);
    expect(await text(read(10))).toBe("AMQPxxxxre");
    expect(await text(read(2))).toBe("st");
  });

  test("a read the stream cannot finish rejects with READ_END, pending or not", async () => {
    const socket = fakeSocket();
    const read = createFrameReader(socket as never);
    socket.deliver("ab");
    const pending = read(3);
    socket.end();
    await expect(pending).rejects.toMatchObject({ code: "READ_END" });
    expect(await text(read(1))).toBe("a"); // what arrived can still be read
    await expect(read(2)).rejects.toMatchObject({ code: "READ_END" });
  });
});

const server = await testVhost();

describe.skipIf(!!server.reason)("connections that read frames themselves", () => {
  const connection = createAmqpConnection({ url: server.url, retryLow: 50, retryHigh: 100 });
  connection.on("error", () => {});
  const plain = new Connection(server.url);
  plain.on("error", () => {});
  afterAll(async () => {
    await connection.close();
    await plain.close();
  });
  const socketOf = (c: Connection) => (c as unknown as { _socket: object })._socket;

  test("Diana's connections use the frame reader and a plain rabbitmq-client connection does not", async () => {
    await connection.onConnect(5_000);
    await plain.onConnect(5_000);
    expect(framesReadByDiana.has(socketOf(connection))).toBe(true);
    expect(framesReadByDiana.has(socketOf(plain))).toBe(false);
  });

  test("messages round-trip, large ones across frames, and again after a reconnect", async () => {
    const roundTrip = async (queue: string) => {
      const channel = await connection.acquire();
      try {
        await channel.queueDeclare({ queue, exclusive: true });
        // Over the negotiated frame size (128 KiB by default): the body arrives in several frames.
        const bodies = [Buffer.from("small"), Buffer.alloc(300_000, 7)];
        for (const body of bodies) channel.basicPublish({ routingKey: queue }, body);
        const got: Buffer[] = [];
        for (const _ of bodies) {
          const body = await waitFor(
            async () => (await channel.basicGet({ queue, noAck: true }))?.body as Buffer | undefined,
            { timeoutMs: 5_000 },
          );
          got.push(body);
        }
        expect(got.map((b) => b.length)).toEqual([5, 300_000]);
        expect(got[1]!.every((byte) => byte === 7)).toBe(true);
      } finally {
        await channel.close();
      }
    };
    await roundTrip("frames-before");
    const before = socketOf(connection);
    await server.list("close_all_connections", "-p", server.vhost, "test reconnect");
    await waitFor(() => socketOf(connection) !== before && connection.ready, { timeoutMs: 10_000 });
    expect(framesReadByDiana.has(socketOf(connection))).toBe(true);
    await roundTrip("frames-after");
  });
});
