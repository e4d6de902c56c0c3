/**
 * Bus throughput against raw rabbitmq-client, same run, same broker, same quorum queue, same
 * in-flight window: publish with confirms + `mandatory` (Diana also validates, builds the
 * CloudEvents envelope and correlates returns), then consume with acks (the raw consumer decodes the
 * JSON body, as any consumer must; Diana also checks the envelope and the payload schema and runs
 * its priority dispatcher). Prints rates and ratios.
 * Uses its own vhost, deleted at the end. `bun run bench/bus.ts [messages]` (default 100k).
 */
import {
  AmqpConnection,
  consumerTopology,
  createAmqpConnection,
  createRabbitMqBus,
  defineEvents,
  EVENTS_EXCHANGE,
  Type,
} from "@diana/core/bus";
import { ratio, summaryBlock } from "./lib/machine";
import { scratchVhost } from "./lib/vhost";

const N = Number(Bun.argv[2] ?? 100_000);
const WINDOW = 256;
const PREFETCH = 200;
const CONCURRENCY = 100;
const ROUNDS = 3;

/** Runs `fn(0..n-1)` with at most `window` calls in flight; resolves with messages per second. */
async function windowed(n: number, window: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

const vhost = await scratchVhost();
const url = vhost.url;
// Each side on its own connection: the raw side on rabbitmq-client as it comes, Diana on the
// connection every Diana bus opens (writes coalesced per event-loop turn).
const connection = new AmqpConnection(url);
const dianaConnection = createAmqpConnection(url);

try {
  const type = "bench.order.placed";
  const catalog = defineEvents({ [type]: Type.Object({ orderId: Type.String(), qty: Type.String() }) });
  const topology = consumerTopology({
    consumer: "bench",
    patterns: ["bench.#"],
    delaysMs: [1_000],
    deliveryLimit: 20,
  });
  const setup = await connection.acquire();
  await setup.exchangeDeclare(topology.exchange);
  for (const queue of topology.queues) await setup.queueDeclare(queue);
  for (const binding of topology.bindings) await setup.queueBind(binding);
  const purge = () => setup.queuePurge({ queue: "bench" });

  const bus = createRabbitMqBus({
    connection: dianaConnection,
    catalog,
    source: "/bench",
    retry: { delaysMs: [1_000] },
  });
  const raw = connection.createPublisher({ confirm: true });
  const sample = await bus.publish({ type, subject: "o-0", data: { orderId: "o-0", qty: "1" } });
  await purge();

  // The raw side sends the same message a hand-written CloudEvents publisher would: a fresh envelope
  // (id, time) and the same AMQP properties, without validation or return correlation.
  const rawPublish = (i: number) => {
    const id = Bun.randomUUIDv7();
    const time = new Date().toISOString();
    const envelope = { ...sample, id, time, subject: `o-${i}`, data: { orderId: `o-${i}`, qty: "1" } };
    return raw.send(
      {
        exchange: EVENTS_EXCHANGE,
        routingKey: type,
        mandatory: true,
        durable: true,
        messageId: id,
        type,
        contentType: "application/cloudevents+json",
        timestamp: Math.floor(Date.now() / 1000),
      },
      Buffer.from(JSON.stringify(envelope)),
    );
  };
  const dianaPublish = (i: number) =>
    bus.publish({ type, subject: `o-${i}`, data: { orderId: `o-${i}`, qty: "1" } });

  const fill = async () => {
    await purge();
    await windowed(N, WINDOW, rawPublish);
  };
  const rawConsume = async () => {
    await fill();
    let seen = 0;
    const { promise: done, resolve } = Promise.withResolvers<void>();
    const started = performance.now();
    const consumer = connection.createConsumer(
      {
        queue: "bench",
        queueOptions: topology.main,
        qos: { prefetchCount: PREFETCH },
        concurrency: CONCURRENCY,
      },
      // A hand-written consumer must at least decode the CloudEvent it received.
      async (message) => {
        JSON.parse((message.body as Buffer).toString());
        if (++seen === N) resolve();
      },
    );
    await done;
    const rate = N / ((performance.now() - started) / 1000);
    await consumer.close();
    return rate;
  };
  const dianaConsume = async () => {
    await fill();
    let seen = 0;
    const { promise: done, resolve } = Promise.withResolvers<void>();
    const started = performance.now();
    const subscription = await bus.subscribe(
      {
        consumer: "bench",
        patterns: ["bench.#"],
        concurrency: CONCURRENCY,
        prefetch: PREFETCH,
        retry: { delaysMs: [1_000] },
      },
      async () => {
        if (++seen === N) resolve();
      },
    );
    await done;
    const rate = N / ((performance.now() - started) / 1000);
    await subscription.close();
    return rate;
  };

  // This process's CPU per message while publishing: the publisher's own cost, which any relay on this
  // runtime and client pays on top of reading its rows (the broker's is not in it).
  const cpuPerMessage = { raw: Number.POSITIVE_INFINITY, diana: Number.POSITIVE_INFINITY };
  const publishing = async (side: keyof typeof cpuPerMessage, publish: (i: number) => Promise<unknown>) => {
    await purge();
    const before = process.cpuUsage();
    const rate = await windowed(N, WINDOW, publish);
    const { user, system } = process.cpuUsage(before);
    cpuPerMessage[side] = Math.min(cpuPerMessage[side], (user + system) / N);
    return rate;
  };
  const best = { rawPublish: 0, dianaPublish: 0, rawConsume: 0, dianaConsume: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    best.rawPublish = Math.max(best.rawPublish, await publishing("raw", rawPublish));
    best.dianaPublish = Math.max(best.dianaPublish, await publishing("diana", dianaPublish));
    best.rawConsume = Math.max(best.rawConsume, await rawConsume());
    best.dianaConsume = Math.max(best.dianaConsume, await dianaConsume());
  }
  await purge();
  await setup.close();
  await raw.close();
  await bus.close();

  const fmt = (rate: number) => `${Math.round(rate).toLocaleString("en-US")} msg/s`;
  console.log(
    summaryBlock(
      `bus: ${N.toLocaleString("en-US")} messages, quorum queue, window ${WINDOW}, best of ${ROUNDS}`,
      [
        ["publish raw rabbitmq-client", fmt(best.rawPublish)],
        ["publish Diana (validate + envelope)", fmt(best.dianaPublish)],
        ["publish ratio Diana / raw", ratio(best.dianaPublish, best.rawPublish, 0.95, true)],
        [
          "publisher CPU per message, raw / Diana",
          `${cpuPerMessage.raw.toFixed(1)} / ${cpuPerMessage.diana.toFixed(1)} µs`,
        ],
        [`consume raw (prefetch ${PREFETCH}, concurrency ${CONCURRENCY})`, fmt(best.rawConsume)],
        ["consume Diana (parse + validate + ack)", fmt(best.dianaConsume)],
        ["consume ratio Diana / raw", ratio(best.dianaConsume, best.rawConsume, 0.95, true)],
      ],
    ),
  );
} finally {
  await dianaConnection.close();
  await connection.close();
  await vhost.drop();
}
