import { afterAll } from "bun:test";
import { Type } from "@sinclair/typebox";
import { defineEvents } from "../../bus/catalog";
import { createRabbitMqBus } from "../../bus/rabbitmq";
import type { EventBus, RetryOptions } from "../../bus/types";
import { createOutbox } from "../outbox";
import { connectOutboxDatabase } from "./postgres";

/** Events of the outbox tests: `n` is the event's place in its aggregate's sequence. */
export const testCatalog = defineEvents({
  "test.order.placed": Type.Object({ agg: Type.String(), n: Type.Integer() }),
  "test.unrouted": Type.Object({ n: Type.Integer() }),
});
export type TestSchemas = typeof testCatalog.schemas;

/** Databases, buses and relays a test file opens, closed after it in reverse order. */
export function harness(env: { url: string; schema: string; amqpUrl: string; drop(): Promise<void> }) {
  const closers: Array<() => Promise<unknown>> = [() => env.drop()];
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  });
  return {
    database(max = 10) {
      const database = connectOutboxDatabase(env.url, max);
      closers.push(() => database.close());
      return database;
    },
    bus(retry: RetryOptions = { delaysMs: [20, 40] }): EventBus<TestSchemas> {
      const bus = createRabbitMqBus({
        connection: env.amqpUrl,
        catalog: testCatalog,
        source: "/tests/outbox",
        retry,
      });
      closers.push(() => bus.close());
      return bus;
    },
    outbox(database: ReturnType<typeof connectOutboxDatabase>) {
      return createOutbox({ database, schema: env.schema, catalog: testCatalog, source: "/tests/outbox" });
    },
    /** Registers something to close after the file (a relay's stop, a subscription's close). */
    defer(close: () => Promise<unknown>) {
      closers.push(close);
    },
  };
}
