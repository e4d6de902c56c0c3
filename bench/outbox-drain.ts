/**
 * `bun run bench outbox-drain`: what a relay costs per event, with no producers sharing the machine. A
 * backlog of BENCH_DRAIN_EVENTS (default 50,000) pending events over 1,000 aggregates is written through
 * Diana's `enqueue`, then each relay drains it — claim, publish with confirms, mark — while the consumer
 * (its own process) takes the events off the queue. Prints the drain rate and the CPU each side spent per
 * event: the relay (its process and its Postgres backends), the broker, the consumer, and the machine.
 * Where `outbox.ts` asks how fast the whole pipeline goes on a shared machine, this asks what the relay
 * itself costs. Its own database and vhost, both removed at the end. BENCH_RELAYS picks relays by name
 * prefix (comma-separated); BENCH_DRAIN_ORDER=random spreads events over the aggregates at random;
 * BENCH_RELAY_CONCURRENCY sets Diana's workers (default 2); BENCH_DRAIN_HISTORY=N puts N sent rows of the
 * same aggregates before the backlog, sent after they were written and not yet vacuumed — the state of an
 * outbox that keeps a day of sent rows between two autovacuum runs.
 */
import { createAmqpConnection, createRabbitMqBus } from "@diana/core/bus";
import { createOutbox, createOutboxRelay } from "@diana/core/outbox";
import { Connection } from "rabbitmq-client";
import { cpuAccount, pidsNamed } from "./lib/cpu";
import { ratio, summaryBlock } from "./lib/machine";
import { backendPids, cpuLine, startConsumer } from "./outbox/processes";
import { catalog, TYPE } from "./outbox/producer";
import { referenceRelay } from "./outbox/reference-relay";
import { DIANA_RELAY, outboxScratch, REFERENCE_RELAY } from "./outbox/scratch";

const EVENTS = Number(process.env.BENCH_DRAIN_EVENTS ?? 50_000);
/** Which relays to run, by name prefix (comma-separated); both by default. */
const RELAYS = (process.env.BENCH_RELAYS ?? "").split(",").filter(Boolean);
const TIMEOUT_MS = 5 * 60_000;
const RELAY_CONCURRENCY = Number(process.env.BENCH_RELAY_CONCURRENCY ?? 2);
/**
 * Which aggregate each event belongs to: in turn (the default: a batch of 500 holds 500 aggregates, one
 * event each) or at random (a batch holds several events of some aggregates, which wait for each other).
 */
const RANDOM = process.env.BENCH_DRAIN_ORDER === "random";
const HISTORY = Number(process.env.BENCH_DRAIN_HISTORY ?? 0);

interface Relay {
  name: string;
  app: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function main(): Promise<void> {
  const scratch = await outboxScratch();
  const { amqpUrl, database, raw, admin, closers } = scratch;
  try {
    await database.migrate("trading");
    const consumer = await startConsumer(amqpUrl);
    closers.push(() => consumer.stop());
    const outbox = createOutbox({ database, schema: "trading", catalog, source: "/bench/outbox" });
    const dianaConnection = createAmqpConnection(amqpUrl);
    const plainConnection = new Connection(amqpUrl);
    const bus = createRabbitMqBus({ connection: dianaConnection, catalog, source: "/bench/outbox" });
    // Closed in reverse: the bus before the connections under it.
    closers.push(
      () => dianaConnection.close(),
      () => plainConnection.close(),
      () => bus.close(),
    );

    // Counted in this process as each relay reports a confirmed publish, so waiting costs no queries.
    let published = 0;
    const relays: Relay[] = [
      (() => {
        const relay = createOutboxRelay({ outbox, bus, batchSize: 500, concurrency: RELAY_CONCURRENCY });
        relay.onEvent((e) => {
          if (e.type === "published") published++;
        });
        return { name: "Diana relay", app: DIANA_RELAY, start: relay.start, stop: relay.stop };
      })(),
      (() => {
        const relay = referenceRelay(raw, plainConnection, () => {
          published++;
        });
        closers.push(() => relay.close());
        return {
          name: "reference relay",
          app: REFERENCE_RELAY,
          start: async () => relay.start(),
          stop: relay.stop,
        };
      })(),
    ];

    const backends = backendPids(admin);
    const broker = pidsNamed("beam.smp");
    const results = [];
    for (const relay of relays) {
      if (RELAYS.length > 0 && !RELAYS.some((p) => relay.name.startsWith(p))) continue;
      await admin`truncate trading.outbox`;
      if (HISTORY > 0) {
        await admin`alter table trading.outbox set (autovacuum_enabled = false)`;
        await admin`insert into trading.outbox (id, aggregate_id, type, payload)
          select gen_random_uuid(), 'agg-' || g % 1000, ${TYPE}, '{}' from generate_series(1, ${HISTORY}::int) g`;
        await admin`update trading.outbox set status = 'sent', sent_at = clock_timestamp()`;
      }
      let written = 0;
      while (written < EVENTS) {
        const n = Math.min(1_000, EVENTS - written);
        const events = Array.from({ length: n }, (_, i) => ({
          type: TYPE as typeof TYPE,
          subject: `agg-${RANDOM ? Math.floor(Math.random() * 1_000) : (written + i) % 1_000}`,
          data: { orderId: `o-${written + i}`, qty: "1" },
        }));
        await database.db.transaction((t) => outbox.enqueue(t, events));
        written += n;
      }
      const consumedBefore = consumer.consumed();
      published = 0;
      const cpu = cpuAccount({
        relay: () => [process.pid],
        "relay's postgres": () => backends.of(relay.app),
        broker: () => broker,
        consumer: () => [consumer.pid],
      });
      await cpu.start();
      const started = performance.now();
      await relay.start();
      const deadline = started + TIMEOUT_MS;
      while (published < EVENTS) {
        if (performance.now() > deadline)
          throw new Error(`${relay.name}: ${published} of ${EVENTS} published after ${TIMEOUT_MS} ms`);
        await Bun.sleep(5);
      }
      const seconds = (performance.now() - started) / 1000;
      await relay.stop();
      const spent = await cpu.stop();
      // Every row marked (rounds in flight finish on stop), none published twice.
      const [left] = await admin<{ pending: number }[]>`
        select count(*)::int as pending from trading.outbox where status = 'pending'`;
      if (left!.pending !== 0 || published !== EVENTS)
        throw new Error(
          `${relay.name}: ${left!.pending} left pending, ${published} publishes for ${EVENTS} events`,
        );
      // The consumer drains on its own; wait for it so the next relay starts on an empty queue.
      const drainBy = performance.now() + 60_000;
      while (consumer.consumed() - consumedBefore < EVENTS && performance.now() < drainBy)
        await Bun.sleep(20);
      results.push({ relay: relay.name, rate: EVENTS / seconds, cpu: spent });
      console.log(`${relay.name}: ${EVENTS} events in ${seconds.toFixed(2)} s`);
    }

    const perEvent = (s: number) => `${((s / EVENTS) * 1e6).toFixed(1)} µs`;
    const rows: Array<[string, string]> = [
      [
        "events drained",
        `${EVENTS} (1,000 aggregates${RANDOM ? ", at random" : ", in turn"}${HISTORY > 0 ? `; ${HISTORY} unvacuumed sent rows before them` : ""})`,
      ],
    ];
    for (const r of results) {
      rows.push([`${r.relay} drain rate`, `${Math.round(r.rate).toLocaleString("en-US")} events/s`]);
      rows.push([
        `${r.relay} CPU per event`,
        `relay ${perEvent(r.cpu.relay!)} + its postgres ${perEvent(r.cpu["relay's postgres"]!)}, broker ${perEvent(r.cpu.broker!)}, consumer ${perEvent(r.cpu.consumer!)}, machine ${perEvent(r.cpu.machine!)}`,
      ]);
      rows.push([`${r.relay} CPU shares`, cpuLine(r.cpu)]);
    }
    const d = results.find((r) => r.relay.startsWith("Diana"));
    const ref = results.find((r) => r.relay.startsWith("reference"));
    if (d && ref) {
      rows.push(["drain rate, Diana / reference", ratio(d.rate, ref.rate)]);
      const relayCpu = (cpu: Record<string, number>) => cpu.relay! + cpu["relay's postgres"]!;
      rows.push(["relay CPU per event, Diana / reference", ratio(relayCpu(d.cpu), relayCpu(ref.cpu))]);
    }
    console.log(summaryBlock("outbox drain: relay cost per event, no producers", rows));
  } finally {
    await scratch.close();
  }
}

if (import.meta.main) await main();
