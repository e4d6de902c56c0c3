/**
 * Outbox end to end, commit → consumer ack, durable queues, default `synchronous_commit`, against two
 * peers measured in the same run: a minimal reference relay written here (SKIP LOCKED, batch 500,
 * confirms, polling) and graphile-worker (a job per event, added in the business transaction, whose task
 * publishes with confirms). For each: the highest offered rate sustained without the backlog growing
 * (steps of `outbox/steps.ts`), then p50/p99 commit → publish confirm at half that rate. The producers run in
 * PRODUCER_PROCS processes of their own (`outbox/producer.ts`, commit times on the shared wall clock), so
 * the step that fails is the relay's; the relay under test and the consumer run here. Its own database
 * and vhost, both removed at the end. `bun run bench/outbox.ts [maxRate]`; knobs: BENCH_PRODUCER_PROCS,
 * BENCH_PRODUCER_CONNECTIONS, BENCH_FIRST_STEP, BENCH_REFINE (bisections, default 2),
 * BENCH_RELAY_CONCURRENCY, BENCH_SYSTEMS (name prefixes), BENCH_LATENCY_AT (latency at that rate only),
 * BENCH_PASSES (default 2). `BENCH_SYSTEMS=Diana,ungated` adds an A/B of the notify gate: the same relay with
 * producers that always notify, run only when named.
 *
 * Each system's ladder runs BENCH_PASSES times, the systems taking turns (Diana, reference, graphile,
 * Diana, …), and each system is judged by its best pass. What disturbs a run here — another VM on the
 * host (steal), a checkpoint landing in a step — only ever slows a system down, and one ladder per system
 * let it decide the ratio by which system it happened to hit: on one machine the same code measured 5,687
 * to 8,950 events/s within half an hour.
 */
import { createAmqpConnection, createRabbitMqBus, type EventBus } from "@diana/core/bus";
import { createOutbox, createOutboxRelay } from "@diana/core/outbox";
import { runMigrations as graphileMigrations, Logger, run as runGraphile } from "graphile-worker";
import { Connection } from "rabbitmq-client";
import { cpuAccount, pidsNamed } from "./lib/cpu";
import { backendPids, startConsumer } from "./outbox/processes";
import { catalog, TYPE } from "./outbox/producer";
import { referenceRelay } from "./outbox/reference-relay";
import { outboxReport, type PassResult } from "./outbox/report";
import { DIANA_RELAY, GRAPHILE, outboxScratch, PRODUCER, REFERENCE_RELAY } from "./outbox/scratch";
import { measure, outOfTime, producerPids, type System } from "./outbox/steps";

const RELAY_CONCURRENCY = Number(process.env.BENCH_RELAY_CONCURRENCY ?? 2);
const PASSES = Number(process.env.BENCH_PASSES ?? 2);
/** Which systems to run, by name prefix (comma-separated); all by default. */
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? "").split(",").filter(Boolean);

export async function main(maxRate = Number(Bun.argv[2] ?? 20_000)): Promise<void> {
  const scratch = await outboxScratch();
  const { as, amqpUrl, database, raw, admin, closers } = scratch;
  try {
    await database.migrate("trading");
    await graphileMigrations({ connectionString: as("bench-admin"), logger: quietLogger() });
    // Diana's relay on a connection as Diana opens them (writes coalesced per event-loop turn); the
    // reference relay and graphile-worker's task on rabbitmq-client as it comes. The consumer, the same
    // for every system, runs in a process of its own.
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
    const consumer = await startConsumer(amqpUrl);
    closers.push(() => consumer.stop());
    const consumed = consumer.consumed;
    const outbox = createOutbox({ database, schema: "trading", catalog, source: "/bench/outbox" });
    const resetOutbox = async () => {
      await database.sql`truncate trading.outbox`;
    };

    // Diana: the relay under test; `notifyGate: false` makes the producers always notify — the
    // "ungated" system, run only when BENCH_SYSTEMS names it, for an A/B of the notify gate in one run.
    const dianaSystem = (name: string, notifyGate: boolean): System => {
      const bus = newBus();
      let relay: ReturnType<typeof createOutboxRelay> | undefined;
      return {
        name,
        app: DIANA_RELAY,
        mode: "outbox",
        reset: resetOutbox,
        async start(onPublished) {
          relay = createOutboxRelay({
            outbox,
            bus,
            batchSize: 500,
            concurrency: RELAY_CONCURRENCY,
            notifyGate,
          });
          relay.onEvent((e) => e.type === "published" && onPublished(e.id));
          await relay.start();
        },
        stop: async () => relay?.stop(),
      };
    };
    const diana = dianaSystem("Diana relay", true);
    const ungated = dianaSystem("ungated Diana relay", false);

    // Reference: the minimal relay — poll, SKIP LOCKED, batch 500, publish all with confirms, mark sent.
    const reference: System = (() => {
      let relay: ReturnType<typeof referenceRelay> | undefined;
      return {
        name: "reference relay",
        app: REFERENCE_RELAY,
        mode: "outbox",
        reset: resetOutbox,
        async start(onPublished) {
          // Each pass makes a relay with a publisher (a channel) of its own, and closes it: the connection's
          // close waits for every channel, so one left open kept it waiting (the "over 10 s" seen before).
          const started = referenceRelay(raw, plainConnection, onPublished);
          relay = started;
          closers.push(() => started.close());
          started.start();
        },
        stop: async () => relay?.stop(),
      };
    })();

    // graphile-worker: a job per event in the business transaction; the task publishes with confirms.
    const graphile: System = (() => {
      const bus = newBus(plainConnection);
      let runner: Awaited<ReturnType<typeof runGraphile>> | undefined;
      let published: (id: string) => void = () => {};
      return {
        name: "graphile-worker",
        app: GRAPHILE,
        mode: "graphile",
        reset: async () => {
          await raw`delete from graphile_worker._private_jobs`;
        },
        async start(onPublished) {
          published = onPublished;
          runner = await runGraphile({
            connectionString: as(GRAPHILE),
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

    const backends = backendPids(admin);
    const broker = pidsNamed("beam.smp");
    /** Every pass of each system, in the order run. */
    const passes = new Map<string, PassResult[]>();
    for (let pass = 1; pass <= PASSES; pass++) {
      for (const system of [diana, ungated, reference, graphile]) {
        if (outOfTime()) break;
        const chosen =
          SYSTEMS.length > 0 ? SYSTEMS.some((p) => system.name.startsWith(p)) : system !== ungated;
        if (!chosen) continue;
        const cpu = cpuAccount({
          producers: async () => [...producerPids, ...(await backends.of(PRODUCER))],
          broker: () => broker,
          consumer: () => [consumer.pid],
          relay: () => [process.pid],
          "relay's postgres": () => backends.of(system.app),
        });
        await cpu.start();
        const result = await measure(system, as(PRODUCER), consumed, maxRate, () => cpu.read());
        const seconds = await cpu.stop();
        passes.set(system.name, [
          ...(passes.get(system.name) ?? []),
          { system: system.name, ...result, cpu: seconds },
        ]);
        console.log(
          `${system.name} (pass ${pass}): ${result.steps.map((s) => `${s.rate}/s→${s.sustained ? "ok" : `backlog ${s.backlog} (unpublished ${s.unpublished}), producer ${Math.round(s.achieved)}/s`}`).join("  ")}`,
        );
      }
    }
    console.log(outboxReport(passes));
  } finally {
    await scratch.close();
  }
}

function quietLogger() {
  // graphile-worker logs every start and stop; the bench prints its own summary.
  return new Logger(() => () => {});
}

if (import.meta.main) await main();
