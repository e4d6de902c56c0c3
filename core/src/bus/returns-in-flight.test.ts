import { afterAll, describe, expect, test } from "bun:test";
import { Type } from "@sinclair/typebox";
import { Connection } from "rabbitmq-client";
import { Channel } from "rabbitmq-client/lib/Channel.js";
import { defineEvents } from "./catalog";
import { UnroutableEventError } from "./errors";
import { createRabbitMqBus } from "./rabbitmq";
import { testVhost } from "./rabbitmq-test-vhost";
import { returnsInFlight, trackReturns } from "./returns-in-flight";

const server = await testVhost();

test("rabbitmq-client 5.0.8 still has the channel parts trackReturns reaches into", () => {
  const proto = Channel.prototype as unknown as Record<string, unknown>;
  expect(typeof proto._onMethod).toBe("function");
  expect(typeof proto.emit).toBe("function");
});

describe.skipIf(!!server.reason)("returns in flight, against RabbitMQ", () => {
  const connection = new Connection(server.url);
  afterAll(() => connection.close());

  test("a return read before its confirm counts until it is emitted", async () => {
    trackReturns();
    const channel = await connection.acquire();
    await channel.confirmSelect();
    const seen: string[] = [];
    let pendingAtConfirm = 0;
    channel.on("basic.return", (message: { messageId?: string }) => seen.push(message.messageId ?? ""));
    for (let i = 0; i < 20; i++) {
      const messageId = `m${i}`;
      const routingKey = `nowhere.${crypto.randomUUID()}`;
      await channel.basicPublish(
        { exchange: "amq.topic", routingKey, mandatory: true, messageId },
        Buffer.from("x"),
      );
      // What the confirmed publisher relies on: at its confirm, a return not emitted yet is counted.
      if (!seen.includes(messageId)) {
        pendingAtConfirm++;
        expect(returnsInFlight()).toBeGreaterThan(0);
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toContain(messageId);
      expect(returnsInFlight()).toBe(0);
    }
    // rabbitmq-client emits returns after the confirm resolves, so the check above did run.
    expect(pendingAtConfirm).toBeGreaterThan(0);
    await channel.close();
  });

  test("mixed routable and unroutable publishes, many in flight: each settles as it should", async () => {
    const catalog = defineEvents({
      "rif.routed": Type.Object({ n: Type.Number() }),
      "rif.lost": Type.Object({ n: Type.Number() }),
    });
    const bus = createRabbitMqBus({ connection: server.url, catalog, source: "/tests/returns" });
    try {
      await bus.subscribe(
        { consumer: `rif-${crypto.randomUUID().slice(0, 8)}`, patterns: ["rif.routed"] },
        () => {},
      );
      const outcomes = await Promise.all(
        Array.from({ length: 400 }, (_, n) =>
          bus
            .publish(n % 3 === 0 ? { type: "rif.lost", data: { n } } : { type: "rif.routed", data: { n } })
            .then(
              () => "confirmed",
              (e: unknown) => (e instanceof UnroutableEventError ? "returned" : String(e)),
            ),
        ),
      );
      outcomes.forEach((outcome, n) => {
        expect(outcome).toBe(n % 3 === 0 ? "returned" : "confirmed");
      });
      expect(returnsInFlight()).toBe(0);
    } finally {
      await bus.close();
    }
  });
});
