/**
 * Outbox end to end, commit → consumer ack, durable queues, default `synchronous_commit`, against two
 * peers measured in the same run: a minimal reference relay written here (SKIP LOCKED, batch 500,
 * confirms, polling) and graphile-worker (a job per event, added in the business transaction, whose task
 * publishes with confirms). For each: the highest offered rate sustained without the backlog growing
 * (steps of `outbox/steps.ts`), then p50/p99 commit → publish confirm at half that rate. The producers run in
 * PRODUCER_PROCS processes of their own (`outbox/producer.ts`, commit times on the shared wall clock), so
 * the step that fails is the relay's; the relay under test and the consumer run here. Its own database
 * and vhost, both removed at the end. `bun run bench/outbox.ts [maxRate]`; knobs: BENCH_PRODUCER_PROCS,
 * BENCH_PRODUCER_CONNECTIONS, BENCH_FIRST_STEP, BENCH_RELAY_CONCURRENCY, BENCH_SYSTEMS (name prefixes).
 */
import { createAmqpConnection, createRabbitMqBus, EVENTS_EXCHANGE, type EventBus } from "@diana/core/bus";
import { createOutbox, createOutboxRelay } from "@diana/core/outbox";
import { connect } from "@diana/db";
import { createTestDatabase } from "@diana/db/testing";
import { runMigrations as graphileMigrations, Logger, run as runGraphile } from "graphile-worker";
import postgres from "postgres";
import { Connection } from "rabbitmq-client";
import { ratio, summaryBlock } from "./lib/machine";
import { scratchVhost } from "./lib/vhost";
import { catalog, TYPE } from "./outbox/producer";
import {
  EVENTS_PER_TX,
  FIRST_STEP,
  measure,
  outOfTime,
  PRODUCER_CONNECTIONS,
  PRODUCER_PROCS,
  type System,
} from "./outbox/steps";

const RELAY_CONCURRENCY = Number(process.env.BENCH_RELAY_CONCURRENCY ?? 2);
/** Which systems to run, by name prefix (comma-separated); all by default. */
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? "").split(",").filter(Boolean);

export async function main(maxRate = Number(Bun.argv[2] ?? 20_000)): Promise<void> {
  const testDb = await createTestDatabase();
  const vhost = await scratchVhost();
  const amqpUrl = vhost.url;
  const database = await connect({ url: testDb.url, max: 24 });
  const raw = postgres(testDb.url, { max: 8, onnotice: () => {} });
  const closers: Array<() => Promise<unknown>> = [];
  try {
    await database.migrate("trading");
    await graphileMigrations({ connectionString: testDb.url, logger: quietLogger() });
    // Diana's relay and the consumer (the same for every system) on connections as Diana opens them
    // (writes coalesced per event-loop turn); the reference relay and graphile-worker's task on
    // rabbitmq-client as it comes.
    const plainConnection = new Connection(amqpUrl);
    closers.push(() => plainConnection.close());
    const newBus = (
      connection: Connection = createAmqpConnection(amqpUrl),
    ): EventBus<typeof catalog.schemas> => {
      if (connection !== plainConnection) closers.push(() => connection.close());
      const bus = createRabbitMqBus({ connection, catalog, source: "/bench/outbox" });
      closers.push(() => bus.close());
      return bus;
    };
    let consumedCount = 0;
    const consumerBus = newBus();
    const subscription = await consumerBus.subscribe(
      { consumer: "bench-outbox", patterns: ["bench.#"], concurrency: 100, prefetch: 200 },
      () => {
        consumedCount++;
      },
    );
    closers.push(() => subscription.close());
    const consumed = () => consumedCount;
    const outbox = createOutbox({ database, schema: "trading", catalog, source: "/bench/outbox" });
    const resetOutbox = async () => {
      await database.sql`truncate trading.outbox`;
    };

    // Diana: the relay under test.
    const diana: System = (() => {
      const bus = newBus();
      let relay: ReturnType<typeof createOutboxRelay> | undefined;
      return {
        name: "Diana relay",
        mode: "outbox",
        reset: resetOutbox,
        async start(onPublished) {
          relay = createOutboxRelay({ outbox, bus, batchSize: 500, concurrency: RELAY_CONCURRENCY });
          relay.onEvent((e) => e.type === "published" && onPublished(e.id));
          await relay.start();
        },
        stop: async () => relay?.stop(),
      };
    })();

    // Reference: the minimal relay — poll, SKIP LOCKED, batch 500, publish all with confirms, mark sent.
    const reference: System = (() => {
      const publisher = plainConnection.createPublisher({ confirm: true });
      closers.push(() => publisher.close());
      let running = false;
      let loop: Promise<void> | undefined;
      return {
        name: "reference relay",
        mode: "outbox",
        reset: resetOutbox,
        async start(onPublished) {
          running = true;
          loop = (async () => {
            while (running) {
              const n = await raw.begin(async (tx) => {
                const rows = await tx<{ id: string; payload: { type: string } }[]>`
                  select id, payload from trading.outbox where status = 'pending'
                  order by seq limit 500 for update skip locked`;
                if (rows.length === 0) return 0;
                await Promise.all(
                  rows.map(async (row) => {
                    await publisher.send(
                      {
                        exchange: EVENTS_EXCHANGE,
                        routingKey: row.payload.type,
                        messageId: row.id,
                        mandatory: true,
                        durable: true,
                        contentType: "application/cloudevents+json",
                      },
                      Buffer.from(JSON.stringify(row.payload)),
                    );
                    onPublished(row.id);
                  }),
                );
                await tx`update trading.outbox set status = 'sent', sent_at = now()
                  where id = any(string_to_array(${rows.map((r) => r.id).join(",")}, ',')::uuid[])`;
                return rows.length;
              });
              if (n === 0) await Bun.sleep(5);
            }
          })();
        },
        async stop() {
          running = false;
          await loop;
        },
      };
    })();

    // graphile-worker: a job per event in the business transaction; the task publishes with confirms.
    const graphile: System = (() => {
      const bus = newBus(plainConnection);
      let runner: Awaited<ReturnType<typeof runGraphile>> | undefined;
      let published: (id: string) => void = () => {};
      return {
        name: "graphile-worker",
        mode: "graphile",
        reset: async () => {
          await raw`delete from graphile_worker._private_jobs`;
        },
        async start(onPublished) {
          published = onPublished;
          runner = await runGraphile({
            connectionString: testDb.url,
            concurrency: 24,
            noHandleSignals: true,
            pollInterval: 1_000,
            logger: quietLogger(),
            taskList: {
              async publish(payload) {
                const job = payload as {
                  id: string;
                  subject: string;
                  data: { orderId: string; qty: string };
                };
                await bus.publish({ type: TYPE, id: job.id, subject: job.subject, data: job.data });
                published(job.id);
              },
            },
          });
        },
        stop: async () => runner?.stop(),
      };
    })();

    const results = [];
    for (const system of [diana, reference, graphile]) {
      if (outOfTime()) break;
      if (SYSTEMS.length > 0 && !SYSTEMS.some((p) => system.name.startsWith(p))) continue;
      const result = await measure(system, testDb.url, consumed, maxRate);
      results.push({ system: system.name, ...result });
      console.log(
        `${system.name}: ${result.steps.map((s) => `${s.rate}/s→${s.sustained ? "ok" : `backlog ${s.backlog} (unpublished ${s.unpublished}), producer ${Math.round(s.achieved)}/s`}`).join("  ")}`,
      );
    }
    const [d, r, g] = results;
    const fmt = (n: number) => `${Math.round(n).toLocaleString("en-US")} events/s`;
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    const rows: Array<[string, string]> = [
      ["events per transaction", String(EVENTS_PER_TX)],
      ["producer processes × connections", `${PRODUCER_PROCS} × ${PRODUCER_CONNECTIONS}`],
    ];
    for (const x of results) {
      // Nothing sustained means below the first step, not zero.
      const sustained = x.sustainedRate > 0 ? fmt(x.sustainedRate) : `< ${fmt(FIRST_STEP)}`;
      rows.push([`${x.system} sustained`, sustained]);
      rows.push([
        `${x.system} commit→publish @ ${x.half}/s`,
        `p50 ${ms(x.p50)}, p99 ${ms(x.p99)} (n=${x.measured})`,
      ]);
    }
    if (d) rows.push(["Diana sustained (goal ≥ 10,000)", d.sustainedRate >= 10_000 ? "met" : "missed"]);
    if (d && r) rows.push(["Diana / reference", ratio(d.sustainedRate, r.sustainedRate, 1.5, true)]);
    if (d && g && g.sustainedRate > 0)
      rows.push(["Diana / graphile-worker", ratio(d.sustainedRate, g.sustainedRate)]);
    if (d) rows.push(["Diana p99 commit→publish (goal ≤ 50 ms)", d.p99 <= 50 ? "met" : "missed"]);
    console.log(summaryBlock("outbox: commit → consumer ack, durable, synchronous_commit on", rows));
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    await raw.end({ timeout: 5 });
    await database.close();
    await testDb.drop();
    await vhost.drop().catch(() => {});
  }
}

function quietLogger() {
  // graphile-worker logs every start and stop; the bench prints its own summary.
  return new Logger(() => () => {});
}

if (import.meta.main) await main();
