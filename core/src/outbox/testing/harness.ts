import { afterAll, describe } from "bun:test";
import { createAmqpConnection } from "../../bus/amqp-connection";
import { createRabbitMqBus } from "../../bus/rabbitmq";
import { testVhost } from "../../bus/rabbitmq-test-vhost";
import type { EventBus, RetryOptions } from "../../bus/types";
import { createOutbox } from "../outbox";
import { type TestSchemas, testCatalog } from "./harness-catalog";
import { connectOutboxDatabase, testOutboxDatabase } from "./postgres";

export { type TestSchemas, testCatalog };

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
    /** A bus on its own connection, which reconnects fast (0.1–0.5 s) after a broker outage. */
    bus(retry: RetryOptions = { delaysMs: [20, 40] }): EventBus<TestSchemas> {
      const connection = createAmqpConnection({ url: env.amqpUrl, retryLow: 100, retryHigh: 500 });
      closers.push(() => connection.close());
      const bus = createRabbitMqBus({
        connection,
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

/**
 * What an outbox test file runs on: its own database and vhost, a {@link harness} over them, and a
 * `describe` that skips, naming why, when either server is missing (never under CI=true).
 */
export async function outboxTestServers() {
  const pg = await testOutboxDatabase();
  const mq = await testVhost();
  const skip = pg.reason ?? mq.reason;
  return {
    pg,
    mq,
    h: harness({ ...pg, amqpUrl: mq.url }),
    suite: (title: string, body: () => void) =>
      (skip ? describe.skip : describe)(`${title}${skip ? ` (skipped: ${skip})` : ""}`, body),
  };
}
