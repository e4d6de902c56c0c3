/**
 * The step driver of `bench/outbox.ts`: offers a rate from producer processes (`producer.ts`) for a
 * step, judges whether the system under test kept up, climbs until it does not, then measures
 * commit → publish latency at half the rate it sustained.
 */
import type { ProducerArgs } from "./producer";

export const EVENTS_PER_TX = 10;
export const PRODUCER_PROCS = Number(process.env.BENCH_PRODUCER_PROCS ?? 3);
export const PRODUCER_CONNECTIONS = Number(process.env.BENCH_PRODUCER_CONNECTIONS ?? 8);
const PRODUCER_SCRIPT = new URL("./producer.ts", import.meta.url).pathname;
export const FIRST_STEP = Number(process.env.BENCH_FIRST_STEP ?? 4_000);
/** Each step offers this much more than the last: fine enough that a 10 % difference shows. */
const STEP_FACTOR = 1.15;
export const STEP_MS = 4_000;
/** Pids of the producer processes of the step running now (for CPU accounting). */
export const producerPids = new Set<number>();
const LATENCY_MS = 5_000;
const DEADLINE_MS = 8 * 60_000;
/** Wall clock with sub-millisecond resolution, comparable with the producer processes'. */
const wallNow = () => performance.timeOrigin + performance.now();

/** How one system under test is driven. */
export interface System {
  name: string;
  /** What the producer processes write: outbox rows, or graphile-worker jobs. */
  mode: ProducerArgs["mode"];
  /** `application_name` of its Postgres connections, so that their CPU counts to it. */
  app: string;
  start(onPublished: (id: string) => void): Promise<void>;
  stop(): Promise<void>;
  reset(): Promise<void>;
}

/** CPU seconds by group of processes (see `lib/cpu.ts`), read when asked. */
export type CpuReader = () => Promise<Record<string, number>>;

interface StepResult {
  rate: number;
  /** CPU seconds each group spent while the producers were offering this step's rate. */
  cpu?: Record<string, number>;
  achieved: number;
  backlog: number;
  /** Of the backlog, committed but not yet published (the rest is published, not yet consumed). */
  unpublished: number;
  sustained: boolean;
}

const started = performance.now();
export const outOfTime = () => performance.now() - started > DEADLINE_MS;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Offers `rate` events/s for `ms` as transactions of EVENTS_PER_TX, open loop, from PRODUCER_PROCS
 * producer processes (`bench/outbox/producer.ts`) of PRODUCER_CONNECTIONS connections each, all starting
 * at the same wall-clock instant. A producer that falls behind shows as `achieved` < `rate`. With
 * `committed`, every event's commit time (wall clock) lands in it. With `cpu`, the CPU each group spent
 * from that instant for `ms` (producer start-up left out).
 */
async function offer(
  mode: ProducerArgs["mode"],
  url: string,
  rate: number,
  ms: number,
  committed?: Map<string, number>,
  cpu?: CpuReader,
) {
  const startAt = wallNow() + 1_500;
  let window: Promise<Record<string, number>> | undefined;
  const windowTimer =
    cpu &&
    setTimeout(() => {
      window = cpu().then(async (before) => {
        await Bun.sleep(ms);
        const after = await cpu();
        return Object.fromEntries(Object.entries(after).map(([g, s]) => [g, s - (before[g] ?? 0)]));
      });
    }, startAt - wallNow());
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
    const proc = Bun.spawn(["bun", PRODUCER_SCRIPT, JSON.stringify(args)], {
      stdout: "pipe",
      stderr: "inherit",
    });
    producerPids.add(proc.pid);
    void proc.exited.then(() => producerPids.delete(proc.pid));
    return proc;
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
    return { written, achieved, cpu: await window };
  } finally {
    clearTimeout(kill);
    clearTimeout(windowTimer);
  }
}

export async function measure(
  system: System,
  url: string,
  consumed: () => number,
  maxRate: number,
  cpu?: CpuReader,
) {
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
      const {
        written,
        achieved,
        cpu: stepCpu,
      } = await offer(system.mode, url, rate, STEP_MS, undefined, cpu);
      // Backlog at the end of the step: committed but not yet consumed. Sustained = less than 0.5 s worth
      // and a producer that kept within 5 % of the offered rate.
      const backlog = written - (consumed() - consumedBase);
      const unpublished = written - (publishedCount - publishedBase);
      const sustained = backlog <= rate * 0.5 && achieved >= rate * 0.95;
      steps.push({ rate, achieved, backlog, unpublished, sustained, ...(stepCpu ? { cpu: stepCpu } : {}) });
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
