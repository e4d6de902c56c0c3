import { afterAll, describe, expect, test } from "bun:test";
import { type AsyncMessage, ConsumerStatus } from "rabbitmq-client";
import { waitFor } from "../testing";
import { ackCoalescingConnection, ackCoalescingOf } from "./ack-coalescing";
import { createAmqpConnection } from "./amqp-connection";
import { testVhost } from "./rabbitmq-test-vhost";

const server = await testVhost();

describe.skipIf(!!server.reason)("ack coalescing", () => {
  const connection = createAmqpConnection({ url: server.url, retryLow: 50, retryHigh: 100 });
  afterAll(() => connection.close());

  const QUEUE = { durable: true, arguments: { "x-queue-type": "quorum" as const } };

  /** Publishes `n` messages to a fresh quorum queue. */
  async function fill(queue: string, n: number) {
    const ch = await connection.acquire();
    try {
      await ch.queueDeclare({ queue, ...QUEUE });
      for (let i = 0; i < n; i++) ch.basicPublish({ routingKey: queue }, Buffer.from(String(i)));
      await waitFor(async () => (await ch.queueDeclare({ queue, passive: true })).messageCount === n, {
        timeoutMs: 10_000,
      });
    } finally {
      await ch.close();
    }
  }

  async function unacked(queue: string) {
    const out = await server.list(
      "list_queues",
      "-p",
      server.vhost,
      "name",
      "messages_unacknowledged",
      "messages",
    );
    const line = out.split("\n").find((l) => l.startsWith(`${queue}\t`));
    const [, unackedCount, total] = (line ?? "").split("\t").map(Number);
    return { unacked: unackedCount, total };
  }

  /** Consumes `queue` through the coalescing view until `handled` reaches `until`, then closes. */
  async function consume(
    queue: string,
    prefetch: number,
    until: number,
    handler: (m: AsyncMessage) => Promise<ConsumerStatus> | ConsumerStatus,
  ) {
    let handled = 0;
    let channel: unknown;
    const consumer = ackCoalescingConnection(connection).createConsumer(
      { queue, queueOptions: QUEUE, qos: { prefetchCount: prefetch }, concurrency: prefetch },
      async (m: AsyncMessage) => {
        channel ??= (consumer as unknown as { _ch: unknown })._ch;
        const status = await handler(m);
        handled++;
        return status;
      },
    );
    try {
      await waitFor(() => handled >= until, { timeoutMs: 20_000 });
    } finally {
      await consumer.close();
    }
    return ackCoalescingOf(channel as never)!.sent;
  }

  test("handlers finishing in order: every delivery acknowledged, in a tenth of the frames or fewer", async () => {
    await fill("in-order", 2_000);
    const sent = await consume("in-order", 200, 2_000, () => ConsumerStatus.ACK);
    expect(sent.messages).toBe(2_000);
    expect(sent.frames).toBeLessThanOrEqual(200);
    expect(await unacked("in-order")).toEqual({ unacked: 0, total: 0 });
  });

  test("handlers finishing out of order: every delivery acknowledged once, none left", async () => {
    await fill("out-of-order", 1_000);
    const sent = await consume("out-of-order", 100, 1_000, async () => {
      await Bun.sleep(Math.random() * 3);
      return ConsumerStatus.ACK;
    });
    expect(sent.messages).toBe(1_000);
    expect(sent.frames).toBeLessThan(1_000);
    expect(await unacked("out-of-order")).toEqual({ unacked: 0, total: 0 });
  });

  test("a slow handler holds back no other delivery's ack", async () => {
    await fill("slow-first", 20);
    const view = ackCoalescingConnection(connection);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let handled = 0;
    const consumer = view.createConsumer(
      { queue: "slow-first", queueOptions: QUEUE, qos: { prefetchCount: 5 }, concurrency: 5 },
      async (m: AsyncMessage) => {
        if (m.body.toString() === "0") await held;
        handled++;
        return ConsumerStatus.ACK;
      },
    );
    try {
      // With a prefetch of 5, the other 19 only arrive if their acks went out while "0" was held.
      await waitFor(() => handled === 19, { timeoutMs: 10_000 });
      // …and "0" itself is still unacknowledged: no batch covered it while its handler ran.
      await waitFor(async () => (await unacked("slow-first")).total === 1, { timeoutMs: 10_000 });
      expect(await unacked("slow-first")).toEqual({ unacked: 1, total: 1 });
      release();
      await waitFor(async () => (await unacked("slow-first")).total === 0, { timeoutMs: 10_000 });
    } finally {
      release();
      await consumer.close();
    }
  });

  test("close sends the acks still held; a nacked delivery comes back and is acked", async () => {
    await fill("on-close", 50);
    // One in ten is requeued on first delivery; the last acks are still held when close() runs.
    const sent = await consume("on-close", 50, 55, (m) =>
      !m.redelivered && Number(m.body.toString()) % 10 === 0 ? ConsumerStatus.REQUEUE : ConsumerStatus.ACK,
    );
    expect(sent.messages).toBe(50);
    expect(await unacked("on-close")).toEqual({ unacked: 0, total: 0 });
  });
});
