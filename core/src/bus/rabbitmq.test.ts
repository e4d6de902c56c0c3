import { afterAll, describe, expect, test } from "bun:test";
import { type AsyncMessage, Connection } from "rabbitmq-client";
import { waitFor } from "../testing";
import { packedPublishes } from "./amqp-publish-frames";
import { runBusConformance } from "./conformance";
import { defineEvents, Type } from "./index";
import { createRabbitMqBus } from "./rabbitmq";
import { testVhost } from "./rabbitmq-test-vhost";
import { EVENTS_EXCHANGE } from "./rabbitmq-topology";

const server = await testVhost();

runBusConformance({
  name: "rabbitmq",
  create: (options) => createRabbitMqBus({ ...options, connection: server.url }),
  skip: server.reason,
});

describe.skipIf(!!server.reason)("rabbitmq bus: the message on the wire", () => {
  const raw = new Connection(server.url);
  afterAll(() => raw.close());

  test("publish and publishEncoded send the event's properties, durable, with the body as given, in one buffer", async () => {
    const catalog = defineEvents({ "wire.checked": Type.Object({ n: Type.Number() }) });
    const bus = createRabbitMqBus({ connection: server.url, catalog, source: "/tests/wire" });
    const seen: AsyncMessage[] = [];
    let ready: () => void = () => {};
    const subscribed = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const consumer = raw.createConsumer(
      {
        queue: "wire-check",
        queueOptions: { exclusive: true },
        exchanges: [{ exchange: EVENTS_EXCHANGE, type: "topic", durable: true }],
        queueBindings: [{ exchange: EVENTS_EXCHANGE, routingKey: "wire.#" }],
      },
      (message) => void seen.push(message),
    );
    consumer.once("ready", ready);
    try {
      await subscribed;
      const packedBefore = packedPublishes();
      const published = await bus.publish({
        type: "wire.checked",
        data: { n: 1 },
        priority: 7,
        correlationid: "corr-é",
      });
      const createdMs = Date.parse("2031-05-06T07:08:09.999Z");
      const json = JSON.stringify({
        ...published,
        id: "0193b9a4-6f1e-7c2a-9d3b-5e8f0a1b2c3d",
        data: { n: 2 },
      });
      await bus.publishEncoded({
        id: "0193b9a4-6f1e-7c2a-9d3b-5e8f0a1b2c3d",
        type: "wire.checked",
        createdMs,
        json,
      });
      await waitFor(() => seen.length === 2, { what: "both messages" });
      expect(packedPublishes() - packedBefore).toBe(2); // written by encodePublish, not the library's codec
      const [first, second] = seen as [AsyncMessage, AsyncMessage];
      expect(first).toMatchObject({
        messageId: published.id,
        type: "wire.checked",
        contentType: "application/cloudevents+json",
        priority: 7,
        correlationId: "corr-é",
        durable: true,
        timestamp: Math.floor(Date.parse(published.time) / 1000),
        routingKey: "wire.checked",
        exchange: EVENTS_EXCHANGE,
      });
      expect(JSON.parse(String(first.body))).toEqual(published);
      expect(second).toMatchObject({
        messageId: "0193b9a4-6f1e-7c2a-9d3b-5e8f0a1b2c3d",
        durable: true,
        timestamp: Math.floor(createdMs / 1000),
      });
      expect(second.priority).toBeUndefined();
      expect(second.correlationId).toBeUndefined();
      expect(Buffer.isBuffer(second.body) ? second.body.toString() : JSON.stringify(second.body)).toBe(json);
    } finally {
      await consumer.close();
      await bus.close();
    }
  });
});
