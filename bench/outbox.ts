/**
 * Outbox end to end, commit → consumer ack, durable queues, default `synchronous_commit`, against two
 * peers measured in the same run: a minimal reference relay written here (SKIP LOCKED, batch 500,
 * confirms, polling) and graphile-worker (a job per event, added in the business transaction, whose task
 * publishes with confirms). For each: the highest offered rate sustained without the backlog growing
 * (steps of STEP_MS), then p50/p99 commit → publish confirm at half that rate. One process holds the
 * producer, the relay and the consumer, on the same Postgres and RabbitMQ; its own database and vhost,
 * both removed at the end. `bun run bench/outbox.ts [maxRate]`.
 */
import { createRabbitMqBus, defineEvents, EVENTS_EXCHANGE, type EventBus, Type } from "@diana/core/bus";
import { createOutbox, createOutboxRelay } from "@diana/core/outbox";
import { connect } from "@diana/db";
import { createTestDatabase } from "@diana/db/testing";
import { runMigrations as graphileMigrations, Logger, run as runGraphile } from "graphile-worker";
import postgres from "postgres";
import { Connection } from "rabbitmq-client";
import { ratio, summaryBlock } from "./lib/machine";

const EVENTS_PER_TX = 10;
const PRODUCERS = 16;
const STEP_MS = 4_000;
const LATENCY_MS = 5_000;
const DEADLINE_MS = 9 * 60_000;
const TYPE = "bench.order.placed";
const catalog = defineEvents({ [TYPE]: Type.Object({ orderId: Type.String(), qty: Type.String() }) });

/** How one system under test is driven. */
interface System {
  name: string;
  /** Writes `n` events in one business transaction; resolves with their ids once committed. */
  write(n: number): Promise<string[]>;
  start(onPublished: (id: string) => void): Promise<void>;
  stop(): Promise<void>;
  reset(): Promise<void>;
}

interface StepResult {
  rate: number;
  achieved: number;
  backlog: number;
  sustained: boolean;
}

const started = performance.now();
const outOfTime = () => performance.now() - started > DEADLINE_MS;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function rabbitmqctl(...args: string[]): Promise<void> {
  const proc = Bun.spawn(["rabbitmqctl", ...args], { stdout: "ignore", stderr: "pipe" });
  if ((await proc.exited) !== 0)
    throw new Error(`rabbitmqctl ${args.join(" ")}: ${await new Response(proc.stderr).text()}`);
}

/**
 * Offers `rate` events/s for `ms` as transactions of EVENTS_PER_TX, open loop (each transaction has its
 * start time; a producer that falls behind shows as `achieved` < `rate`).
 */
async function offer(system: System, rate: number, ms: number, committed: Map<string, number>) {
  const txPerSecond = rate / EVENTS_PER_TX;
  const total = Math.floor((txPerSecond * ms) / 1000);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const due = t0 + (i / txPerSecond) * 1000;
        const wait = due - performance.now();
        if (wait > 1) await Bun.sleep(wait);
        const ids = await system.write(EVENTS_PER_TX);
        const at = performance.now();
        for (const id of ids) committed.set(id, at);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  return { written: total * EVENTS_PER_TX, achieved: (total * EVENTS_PER_TX) / (elapsed / 1000) };
}

async function measure(system: System, consumed: () => number, maxRate: number) {
  const committed = new Map<string, number>();
  const published = new Map<string, number>();
  await system.reset();
  await system.start((id) => published.set(id, performance.now()));
  const steps: StepResult[] = [];
  let consumedBase = consumed();
  let sustainedRate = 0;
  try {
    for (let rate = 2_000; rate <= maxRate && !outOfTime(); rate = Math.round(rate * 1.25)) {
      committed.clear();
      const { written, achieved } = await offer(system, rate, STEP_MS, committed);
      // Backlog at the end of the step: committed but not yet consumed. Sustained = less than 0.5 s worth
      // and a producer that kept within 5 % of the offered rate.
      const backlog = written - (consumed() - consumedBase);
      const sustained = backlog <= rate * 0.5 && achieved >= rate * 0.95;
      steps.push({ rate, achieved, backlog, sustained });
      // Drain before the next step (bounded).
      const drainUntil = performance.now() + 30_000;
      while (consumed() - consumedBase < written && performance.now() < drainUntil) await Bun.sleep(20);
      consumedBase = consumed();
      if (!sustained) break;
      sustainedRate = rate;
    }
    // Latency at half the sustained rate.
    committed.clear();
    published.clear();
    const half = Math.max(500, Math.round(sustainedRate / 2));
    const { written } = await offer(system, half, LATENCY_MS, committed);
    const drainUntil = performance.now() + 30_000;
    while (consumed() - consumedBase < written && performance.now() < drainUntil) await Bun.sleep(20);
    const latencies = [...committed]
      .map(([id, at]) => (published.get(id) ?? Number.NaN) - at)
      .filter((l) => Number.isFinite(l))
      .sort((a, b) => a - b);
    return {
      steps,
      sustainedRate,
      half,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      measured: latencies.length,
    };
  } finally {
    await system.stop();
  }
}

export async function main(maxRate = Number(Bun.argv[2] ?? 20_000)): Promise<void> {
  const testDb = await createTestDatabase();
  const vhost = `diana-bench-${Bun.randomUUIDv7("hex").slice(-8)}`;
  await rabbitmqctl("add_vhost", vhost);
  await rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
  const amqpUrl = `amqp://guest:guest@127.0.0.1:5672/${vhost}`;
  const database = await connect({ url: testDb.url, max: 24 });
  const raw = postgres(testDb.url, { max: 8, onnotice: () => {} });
  const closers: Array<() => Promise<unknown>> = [];
  try {
    await database.migrate("trading");
    await graphileMigrations({ connectionString: testDb.url, logger: quietLogger() });
    const connection = new Connection(amqpUrl);
    closers.push(() => connection.close());
    const newBus = (): EventBus<typeof catalog.schemas> => {
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
    const data = (i: number) => ({ orderId: `o-${i}`, qty: "1" });
    let seq = 0;
    const writeOutbox = async (n: number) => {
      const events = await database.db.transaction((tx) =>
        outbox.enqueue(
          tx,
          Array.from({ length: n }, () => {
            const i = seq++;
            return { type: TYPE, subject: `agg-${i % 1000}`, data: data(i) };
          }),
        ),
      );
      return events.map((e) => e.id);
    };
    const resetOutbox = async () => {
      await database.sql`truncate trading.outbox`;
    };

    // Diana: the relay under test.
    const diana: System = (() => {
      const bus = newBus();
      let relay: ReturnType<typeof createOutboxRelay> | undefined;
      return {
        name: "Diana relay",
        write: writeOutbox,
        reset: resetOutbox,
        async start(onPublished) {
          relay = createOutboxRelay({ outbox, bus, batchSize: 500, concurrency: 2 });
          relay.onEvent((e) => e.type === "published" && onPublished(e.id));
          await relay.start();
        },
        stop: async () => relay?.stop(),
      };
    })();

    // Reference: the minimal relay — poll, SKIP LOCKED, batch 500, publish all with confirms, mark sent.
    const reference: System = (() => {
      const publisher = connection.createPublisher({ confirm: true });
      closers.push(() => publisher.close());
      let running = false;
      let loop: Promise<void> | undefined;
      return {
        name: "reference relay",
        write: writeOutbox,
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
      const bus = newBus();
      let runner: Awaited<ReturnType<typeof runGraphile>> | undefined;
      let published: (id: string) => void = () => {};
      return {
        name: "graphile-worker",
        async write(n) {
          const jobs = Array.from({ length: n }, () => {
            const i = seq++;
            return { id: Bun.randomUUIDv7(), subject: `agg-${i % 1000}`, data: data(i) };
          });
          await raw.begin(
            (tx) =>
              tx`select graphile_worker.add_job('publish', x::json) from jsonb_array_elements(${raw.json(jobs)}::jsonb) x`,
          );
          return jobs.map((j) => j.id);
        },
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
      const result = await measure(system, consumed, maxRate);
      results.push({ system: system.name, ...result });
      console.log(
        `${system.name}: ${result.steps.map((s) => `${s.rate}/s→${s.sustained ? "ok" : `backlog ${s.backlog}, producer ${Math.round(s.achieved)}/s`}`).join("  ")}`,
      );
    }
    const [d, r, g] = results;
    const fmt = (n: number) => `${Math.round(n).toLocaleString("en-US")} events/s`;
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    const rows: Array<[string, string]> = [
      ["events per transaction", String(EVENTS_PER_TX)],
      ["producers (connections)", String(PRODUCERS)],
    ];
    for (const x of results) {
      rows.push([`${x.system} sustained`, fmt(x.sustainedRate)]);
      rows.push([
        `${x.system} commit→publish @ ${x.half}/s`,
        `p50 ${ms(x.p50)}, p99 ${ms(x.p99)} (n=${x.measured})`,
      ]);
    }
    if (d) rows.push(["Diana sustained (goal ≥ 10,000)", d.sustainedRate >= 10_000 ? "met" : "missed"]);
    if (d && r) rows.push(["Diana / reference", ratio(d.sustainedRate, r.sustainedRate, 1.5, true)]);
    if (d && g) rows.push(["Diana / graphile-worker", ratio(d.sustainedRate, g.sustainedRate)]);
    if (d) rows.push(["Diana p99 commit→publish (goal ≤ 50 ms)", d.p99 <= 50 ? "met" : "missed"]);
    console.log(summaryBlock("outbox: commit → consumer ack, durable, synchronous_commit on", rows));
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    await raw.end({ timeout: 5 });
    await database.close();
    await testDb.drop();
    await rabbitmqctl("delete_vhost", vhost).catch(() => {});
  }
}

function quietLogger() {
  // graphile-worker logs every start and stop; the bench prints its own summary.
  return new Logger(() => () => {});
}

if (import.meta.main) await main();
