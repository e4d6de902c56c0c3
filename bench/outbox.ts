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
import { availableParallelism } from "node:os";
import { createAmqpConnection, createRabbitMqBus, type EventBus } from "@diana/core/bus";
import { createOutbox, createOutboxRelay } from "@diana/core/outbox";
import { runMigrations as graphileMigrations, Logger, run as runGraphile } from "graphile-worker";
import { Connection } from "rabbitmq-client";
import { cpuAccount, pidsNamed } from "./lib/cpu";
import { ratio, summaryBlock } from "./lib/machine";
import { backendPids, cpuLine, startConsumer } from "./outbox/processes";
import { catalog, TYPE } from "./outbox/producer";
import { referenceRelay } from "./outbox/reference-relay";
import { DIANA_RELAY, GRAPHILE, outboxScratch, PRODUCER, REFERENCE_RELAY } from "./outbox/scratch";
import {
  EVENTS_PER_TX,
  FIRST_STEP,
  measure,
  outOfTime,
  PRODUCER_CONNECTIONS,
  PRODUCER_PROCS,
  producerPids,
  STEP_MS,
  type System,
} from "./outbox/steps";

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
          relay = referenceRelay(raw, plainConnection, onPublished);
          closers.push(() => relay!.close());
          relay.start();
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
    type Result = Awaited<ReturnType<typeof measure>> & { system: string; cpu: Record<string, number> };
    /** Every pass of each system, in the order run. */
    const passes = new Map<string, Result[]>();
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
    // Each system's best pass: the highest rate sustained, then the lower p99 at half of it (a pass whose
    // latency window measured nothing, p99 NaN, loses the tie).
    const lowerP99 = (x: Result, best: Result) => !Number.isNaN(x.p99) && !(x.p99 >= best.p99);
    const results = [...passes.values()].map((all) =>
      all.reduce((best, x) =>
        x.sustainedRate > best.sustainedRate || (x.sustainedRate === best.sustainedRate && lowerP99(x, best))
          ? x
          : best,
      ),
    );
    const named = (prefix: string) => results.find((x) => x.system.startsWith(prefix));
    const [d, r, g] = [named("Diana"), named("reference"), named("graphile")];
    const num = (n: number) => Math.round(n).toLocaleString("en-US");
    const fmt = (n: number) => `${num(n)} events/s`;
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    const rows: Array<[string, string]> = [
      ["events per transaction", String(EVENTS_PER_TX)],
      ["producer processes × connections", `${PRODUCER_PROCS} × ${PRODUCER_CONNECTIONS}`],
    ];
    for (const x of results) {
      // Nothing sustained means below the first step, not zero.
      const sustained = x.sustainedRate > 0 ? fmt(x.sustainedRate) : `< ${fmt(FIRST_STEP)}`;
      const each = passes
        .get(x.system)!
        .map((p) => (p.sustainedRate > 0 ? num(p.sustainedRate) : `< ${num(FIRST_STEP)}`));
      rows.push([
        `${x.system} sustained`,
        each.length > 1 ? `${sustained} (best of passes: ${each.join(" · ")})` : sustained,
      ]);
      rows.push([
        `${x.system} commit→publish @ ${x.half}/s`,
        `p50 ${ms(x.p50)}, p99 ${ms(x.p99)} (n=${x.measured})`,
      ]);
      rows.push([`${x.system} CPU over its run`, cpuLine(x.cpu)]);
      // Per event at each step: the machine's busy CPU (steal left out) and the producers' share of it.
      const perEvent = (seconds: number, st: (typeof x.steps)[number]) =>
        ((seconds / (st.achieved * STEP_S)) * 1e6).toFixed(0);
      rows.push([
        `${x.system} CPU per event, machine / producers`,
        x.steps
          .filter((st) => st.cpu)
          .map(
            (st) =>
              `${perEvent(st.cpu!.machine! - st.cpu!.steal!, st)} / ${perEvent(st.cpu!.producers!, st)} µs @ ${st.rate}/s`,
          )
          .join(", "),
      ]);
      const limit = limitStep(x);
      if (limit?.cpu)
        rows.push([
          `${x.system} CPU @ ${limit.rate}/s (${limit.sustained ? "last step" : "lowest missed"})`,
          `${cpuLine(limit.cpu)}; machine ${percentOfCores(limit.cpu.machine!)} busy, ${percentOfCores(limit.cpu.steal!)} stolen`,
        ]);
    }
    if (d) rows.push(["Diana sustained (goal ≥ 10,000)", d.sustainedRate >= 10_000 ? "met" : "missed"]);
    if (d && r)
      rows.push([
        "Diana / reference",
        r.sustainedRate > 0
          ? ratio(d.sustainedRate, r.sustainedRate, 1.5, true)
          : `— (the reference missed the first step, ${FIRST_STEP}/s: run again with a lower BENCH_FIRST_STEP)`,
      ]);
    const u = named("ungated");
    if (d && u && u.sustainedRate > 0)
      rows.push(["Diana / ungated Diana", ratio(d.sustainedRate, u.sustainedRate)]);
    if (d && g && g.sustainedRate > 0)
      rows.push(["Diana / graphile-worker", ratio(d.sustainedRate, g.sustainedRate)]);
    if (d) rows.push(["Diana p99 commit→publish (goal ≤ 50 ms)", d.p99 <= 50 ? "met" : "missed"]);
    // What the machine allows: at Diana's limiting step, everything but the relay (producers, broker,
    // consumer, Postgres's own processes, the kernel) cost this much CPU per event; a relay costing
    // nothing could go no faster than the cores divided by that.
    // Only meaningful where the machine was the limit: a missed step with the cores (nearly) all busy.
    const step = d && limitStep(d);
    const busy = step?.cpu ? step.cpu.machine! / (cores * STEP_S) : 0;
    if (step?.cpu && (step.sustained || busy < 0.9))
      rows.push([
        "any relay on this machine (bound)",
        `— (the machine was ${(100 * busy).toFixed(0)} % busy)`,
      ]);
    else if (step?.cpu) {
      const relay = step.cpu.relay! + step.cpu["relay's postgres"]!;
      const perEvent = (step.cpu.machine! - relay) / (step.achieved * STEP_S);
      const bound = cores / perEvent;
      rows.push([
        "any relay on this machine (bound)",
        `≤ ${fmt(bound)} (${(perEvent * 1e6).toFixed(0)} µs CPU per event besides the relay)`,
      ]);
      if (r && r.sustainedRate > 0)
        rows.push(["any relay / reference (bound)", `≤ ${(bound / r.sustainedRate).toFixed(2)}×`]);
      // The same with the producers free too: what the broker and the consumer alone leave room for.
      const pipe = (step.cpu.broker! + step.cpu.consumer!) / (step.achieved * STEP_S);
      rows.push([
        "free producers and relay (bound)",
        `≤ ${fmt(cores / pipe)} (broker and consumer: ${(pipe * 1e6).toFixed(0)} µs CPU per event)`,
      ]);
    }
    console.log(summaryBlock("outbox: commit → consumer ack, durable, synchronous_commit on", rows));
  } finally {
    await scratch.close();
  }
}

const cores = availableParallelism();
const STEP_S = STEP_MS / 1000;
const percentOfCores = (seconds: number) => `${((100 * seconds) / (cores * STEP_S)).toFixed(0)} %`;

/** The step that decided the result: the lowest rate missed, else the last one run. */
const limitStep = (x: Awaited<ReturnType<typeof measure>>) =>
  x.steps.filter((s) => !s.sustained).sort((a, b) => a.rate - b.rate)[0] ?? x.steps.at(-1);

function quietLogger() {
  // graphile-worker logs every start and stop; the bench prints its own summary.
  return new Logger(() => () => {});
}

if (import.meta.main) await main();
