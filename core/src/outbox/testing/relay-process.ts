/**
 * A relay in its own process, for the kill -9 test: `bun relay-process.ts <database url> <amqp url>`.
 * Prints "ready" once it listens; runs until killed.
 */
import { createAmqpConnection } from "../../bus/amqp-connection";
import { createRabbitMqBus } from "../../bus/rabbitmq";
import { createOutbox } from "../outbox";
import { createOutboxRelay } from "../relay";
import { testCatalog } from "./harness-catalog";
import { connectOutboxDatabase } from "./postgres";

const [databaseUrl, amqpUrl] = Bun.argv.slice(2);
if (!databaseUrl || !amqpUrl) throw new Error("usage: relay-process.ts <database url> <amqp url>");
const database = connectOutboxDatabase(databaseUrl, 4);
const connection = createAmqpConnection({ url: amqpUrl, retryLow: 100, retryHigh: 500 });
const bus = createRabbitMqBus({ connection, catalog: testCatalog, source: "/tests/outbox" });
const outbox = createOutbox({ database, schema: "trading", catalog: testCatalog, source: "/tests/outbox" });
const relay = createOutboxRelay({ outbox, bus, batchSize: 200, pollIntervalMs: 100 });
await relay.start();
console.log("ready");
