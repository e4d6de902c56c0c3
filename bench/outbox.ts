/**
 * Outbox end to end, commit → consumer ack, durable queues, default `synchronous_commit`, against two
 * peers measured in the same run: a minimal reference relay written here (SKIP LOCKED, batch 500,
 * confirms, polling) and graphile-worker (a job per event, added in the business transaction, whose task
 * publishes with confirms). For each: the highest offered rate sustained without the backlog growing
 * (steps of STEP_MS), then p50/p99 commit → publish confirm at half that rate. The producers run in
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
import { catalog, type ProducerArgs, TYPE } from "./outbox/producer";

const EVENTS_PER_TX = 10;
const PRODUCER_PROCS = Number(process.env.BENCH_PRODUCER_PROCS ?? 3);
const PRODUCER_CONNECTIONS = Number(process.env.BENCH_PRODUCER_CONNECTIONS ?? 8);
const PRODUCER = new URL("./outbox/producer.ts", import.meta.url).pathname;
const FIRST_STEP = Number(process.env.BENCH_FIRST_STEP ?? 4_000);
/** Each step offers this much more than the last: fine enough that a 10 % difference shows. */
const STEP_FACTOR = 1.15;
const RELAY_CONCURRENCY = Number(process.env.BENCH_RELAY_CONCURRENCY ?? 2);
/** Which systems to run, by name prefix (comma-separated); all by default. */
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? "").split(",").filter(Boolean);
const STEP_MS = 4_000;
const LATENCY_MS = 5_000;
const DEADLINE_MS = 8 * 60_000;
/** Wall clock with sub-millisecond resolution, comparable with the producer processes'. */
const wallNow = () => performance.timeOrigin + performance.now();

/** How one system under test is driven. */
interface System {
  name: string;
  /** What the producer processes write: outbox rows, or graphile-worker jobs. */
  mode: ProducerArgs["mode"];
  start(onPublished: (id: string) => void): Promise<void>;
  stop(): Promise<void>;
  reset(): Promise<void>;
}

interface StepResult {
  rate: number;
  achieved: number;
  backlog: number;
  /** Of the backlog, committed but not yet published (the rest is published, not yet consumed). */
  unpublished: number;
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
 * Offers `rate` events/s for `ms` as transactions of EVENTS_PER_TX, open loop, from PRODUCER_PROCS
 * producer processes (`bench/outbox/producer.ts`) of PRODUCER_CONNECTIONS connections each, all starting
 * at the same wall-clock instant. A producer that falls behind shows as `achieved` < `rate`. With
 * `committed`, every event's commit time (wall clock) lands in it.
 */
async function offer(
  mode: ProducerArgs["mode"],
  url: string,
  rate: number,
  ms: number,
  committed?: Map<string, number>,
) {
  const startAt = wallNow() + 1_500;
  const procs = Array.from({ length: PRODUCER_PROCS }, (_, p) => {
    const args: ProducerArgs = {
      mode,
      url,
      rate: rate / PRODUCER_PROCS,
      ms,
      perTx: EVENTS_PER_TX,
      connections: PRODUCER_CONNECTIONS,
      startAt,
      ids: committed !== undefined,
      tag: `p${p}-${Bun.randomUUIDv7("hex").slice(-6)}`,
    };
    return Bun.spawn(["bun", PRODUCER, JSON.stringify(args)], { stdout: "pipe", stderr: "inherit" });
  });
  const kill = setTimeout(() => {
    for (const proc of procs) proc.kill();
  }, ms + 20_000);
  try {
    let written = 0;
    let achieved = 0;
    await Promise.all(
      procs.map(async (proc) => {
        const text = await new Response(proc.stdout).text();
        await proc.exited;
        for (const line of text.split("\n")) {
          if (line.startsWith("c ") && committed) {
            const [, id, at] = line.split(" ");
            committed.set(id!, Number(at));
          } else if (line.startsWith("done ")) {
            const done = JSON.parse(line.slice(5)) as { written: number; achieved: number };
            written += done.written;
            achieved += done.achieved;
          }
        }
      }),
    );
    return { written, achieved };
  } finally {
    clearTimeout(kill);
  }
}

async function measure(system: System, url: string, consumed: () => number, maxRate: number) {
  const published = new Map<string, number>();
  let publishedCount = 0;
  await system.reset();
  await system.start((id) => {
    publishedCount++;
    published.set(id, wallNow());
  });
  const steps: StepResult[] = [];
  const committed = new Map<string, number>();
  let consumedBase = consumed();
  let publishedBase = publishedCount;
  let sustainedRate = 0;
  try {
    for (let rate = FIRST_STEP; rate <= maxRate && !outOfTime(); rate = Math.round(rate * STEP_FACTOR)) {
      const { written, achieved } = await offer(system.mode, url, rate, STEP_MS);
      // Backlog at the end of the step: committed but not yet consumed. Sustained = less than 0.5 s worth
      // and a producer that kept within 5 % of the offered rate.
      const backlog = written - (consumed() - consumedBase);
      const unpublished = written - (publishedCount - publishedBase);
      const sustained = backlog <= rate * 0.5 && achieved >= rate * 0.95;
      steps.push({ rate, achieved, backlog, unpublished, sustained });
      // Drain before the next step (bounded).
      const drainUntil = performance.now() + 30_000;
      while (consumed() - consumedBase < written && performance.now() < drainUntil) await Bun.sleep(20);
      consumedBase = consumed();
      publishedBase = publishedCount;
      published.clear();
      if (!sustained) break;
      sustainedRate = rate;
    }
    // Latency at half the sustained rate.
    committed.clear();
    published.clear();
    const half = Math.max(500, Math.round(sustainedRate / 2));
    const { written } = await offer(system.mode, url, half, LATENCY_MS, committed);
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
    await rabbitmqctl("delete_vhost", vhost).catch(() => {});
  }
}

function quietLogger() {
  // graphile-worker logs every start and stop; the bench prints its own summary.
  return new Logger(() => () => {});
}

if (import.meta.main) await main();
