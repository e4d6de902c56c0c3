/**
 * The step driver of `bench/outbox.ts`: offers a rate from producer processes (`producer.ts`) for a
 * step, judges whether the system under test kept up (halving the first step until it does), climbs by
 * 15 % until it does not, halves the gap
 * between the last rate kept and the first missed twice, then measures commit → publish latency at half
 * the rate it sustained.
 */
import type { Offer, ProducerArgs, ProducerMessage } from "./producer";

export const EVENTS_PER_TX = 10;
export const PRODUCER_PROCS = Number(process.env.BENCH_PRODUCER_PROCS ?? 3);
export const PRODUCER_CONNECTIONS = Number(process.env.BENCH_PRODUCER_CONNECTIONS ?? 8);
const PRODUCER_SCRIPT = new URL("./producer.ts", import.meta.url).pathname;
export const FIRST_STEP = Number(process.env.BENCH_FIRST_STEP ?? 4_000);
/** The lowest first step tried when FIRST_STEP is missed (it is halved until one is sustained). */
const LOWEST_STEP = 500;
/** Each step offers this much more than the last: fine enough that a 10 % difference shows. */
const STEP_FACTOR = 1.15;
/** Bisections between the last step sustained and the first missed. */
const REFINE = Number(process.env.BENCH_REFINE ?? 2);
export const STEP_MS = 4_000;
/** Pids of the producer processes running now (for CPU accounting). */
export const producerPids = new Set<number>();
const LATENCY_MS = 5_000;
/** BENCH_LATENCY_AT=rate skips the steps and measures latency at that rate only (A/B runs of latency). */
const LATENCY_AT = Number(process.env.BENCH_LATENCY_AT ?? 0);
const WARM_UP_MS = 3_000;
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
 * PRODUCER_PROCS producer processes (`bench/outbox/producer.ts`) of PRODUCER_CONNECTIONS connections each,
 * started once per system and kept for its whole run, as the services they stand for would be: their
 * start-up and JIT warm-up happen before the first step (a warm-up offer), not inside it.
 */
async function startProducers(mode: System["mode"], url: string) {
  const procs = Array.from({ length: PRODUCER_PROCS }, (_, p) => {
    const args: ProducerArgs = {
      mode,
      url,
      connections: PRODUCER_CONNECTIONS,
      tag: `p${p}-${Bun.randomUUIDv7("hex").slice(-6)}`,
    };
    /** The answer awaited now: settled by the next message, the process's exit, or a timeout. */
    let waiting: { resolve(message: ProducerMessage): void; reject(error: Error): void } | undefined;
    const proc = Bun.spawn(["bun", PRODUCER_SCRIPT, JSON.stringify(args)], {
      stdout: "inherit",
      stderr: "inherit",
      ipc: (message: ProducerMessage) => waiting?.resolve(message),
    });
    producerPids.add(proc.pid);
    void proc.exited.then((code) => {
      producerPids.delete(proc.pid);
      waiting?.reject(new Error(`producer ${proc.pid} exited (${code})`));
    });
    /** The next message from this process, or an error if it exits or stays silent for `ms`. */
    const next = (ms: number) =>
      new Promise<ProducerMessage>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`producer ${proc.pid} did not answer in ${ms} ms`)),
          ms,
        );
        const settle = () => {
          clearTimeout(timer);
          waiting = undefined;
        };
        waiting = {
          resolve(message) {
            settle();
            resolve(message);
          },
          reject(error) {
            settle();
            reject(error);
          },
        };
      });
    return { proc, next, ready: next(30_000) };
  });
  try {
    await Promise.all(procs.map((p) => p.ready));
  } catch (error) {
    for (const { proc } of procs) proc.kill();
    throw error;
  }
  return {
    /**
     * Offers `rate` events/s for `ms` as transactions of EVENTS_PER_TX, open loop, split over the
     * processes, all starting at the same wall-clock instant. A producer that falls behind shows as
     * `achieved` < `rate`. With `committed`, every event's commit time (wall clock) lands in it. With
     * `cpu`, the CPU each group spent from that instant for `ms`.
     */
    async offer(rate: number, ms: number, committed?: Map<string, number>, cpu?: CpuReader) {
      const startAt = wallNow() + 200;
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
      try {
        const offer: Offer = {
          rate: rate / PRODUCER_PROCS,
          ms,
          perTx: EVENTS_PER_TX,
          startAt,
          ids: committed !== undefined,
        };
        const answers = await Promise.all(
          procs.map(({ proc, next }) => {
            const answer = next(ms + 20_000);
            proc.send({ offer });
            return answer;
          }),
        );
        let written = 0;
        let achieved = 0;
        for (const message of answers) {
          if (!("done" in message)) throw new Error("a producer answered an offer with something else");
          written += message.done.written;
          achieved += message.done.achieved;
          for (const [id, at] of message.done.commits ?? []) committed?.set(id, at);
        }
        return { written, achieved, cpu: await window };
      } finally {
        clearTimeout(windowTimer);
      }
    },
    async stop() {
      for (const { proc } of procs) proc.send({ stop: true });
      const killer = setTimeout(() => {
        for (const { proc } of procs) proc.kill();
      }, 5_000);
      await Promise.all(procs.map(({ proc }) => proc.exited));
      clearTimeout(killer);
    },
  };
}

export async function measure(
  system: System,
  url: string,
  consumed: () => number,
  maxRate: number,
  cpu?: CpuReader,
) {
  // Publish times are kept only while latency is measured: during the steps, a map entry per event
  // would cost this process (counted as the relay's) work the relay does not do.
  let published: Map<string, number> | undefined;
  let publishedCount = 0;
  await system.reset();
  await system.start((id) => {
    publishedCount++;
    published?.set(id, wallNow());
  });
  const steps: StepResult[] = [];
  let consumedBase = consumed();
  let publishedBase = publishedCount;
  /** Waits (bounded) until everything written since the last drain is consumed. */
  const drain = async (written: number) => {
    const until = performance.now() + 30_000;
    while (consumed() - consumedBase < written && performance.now() < until) await Bun.sleep(20);
    consumedBase = consumed();
    publishedBase = publishedCount;
  };
  let sustainedRate = 0;
  let producers: Awaited<ReturnType<typeof startProducers>> | undefined;
  try {
    producers = await startProducers(system.mode, url);
    // Warm-up, not judged: the producers' and the relay's code compiled, their connections busy once.
    await drain((await producers.offer(FIRST_STEP / 2, WARM_UP_MS)).written);
    const step = async (rate: number) => {
      const { written, achieved, cpu: stepCpu } = await producers!.offer(rate, STEP_MS, undefined, cpu);
      // Backlog at the end of the step: committed but not yet consumed. Sustained = less than 0.5 s worth
      // and a producer that kept within 5 % of the offered rate.
      const backlog = written - (consumed() - consumedBase);
      const unpublished = written - (publishedCount - publishedBase);
      const sustained = backlog <= rate * 0.5 && achieved >= rate * 0.95;
      steps.push({ rate, achieved, backlog, unpublished, sustained, ...(stepCpu ? { cpu: stepCpu } : {}) });
      await drain(written);
      return sustained;
    };
    let missed: number | undefined;
    let rate = FIRST_STEP;
    // On a machine slower than FIRST_STEP assumes, halve the first step until one is sustained (down to
    // LOWEST_STEP), so that the ladder still ends in a rate and the systems in a ratio.
    while (!LATENCY_AT && !outOfTime() && rate >= LOWEST_STEP) {
      if (await step(rate)) {
        sustainedRate = rate;
        break;
      }
      missed = rate;
      rate = Math.round(rate / 2);
    }
    // Then climb by STEP_FACTOR to the first rate missed.
    for (
      rate = Math.round(rate * STEP_FACTOR);
      sustainedRate > 0 && rate <= maxRate && (missed === undefined || rate < missed) && !outOfTime();
      rate = Math.round(rate * STEP_FACTOR)
    ) {
      if (!(await step(rate))) {
        missed = rate;
        break;
      }
      sustainedRate = rate;
    }
    // Halve the gap between the last step sustained and the first missed, REFINE times: a result within
    // 4 % instead of 15 %, so that two systems a few percent apart do not land on the same step.
    for (let k = 0; k < REFINE && missed && sustainedRate > 0 && !outOfTime(); k++) {
      const rate = Math.round((sustainedRate + missed) / 2);
      if (await step(rate)) sustainedRate = rate;
      else missed = rate;
    }
    // Latency at half the sustained rate.
    const half = LATENCY_AT || Math.max(500, Math.round(sustainedRate / 2));
    const committed = new Map<string, number>();
    const times = new Map<string, number>();
    published = times;
    await drain((await producers.offer(half, LATENCY_MS, committed)).written);
    published = undefined;
    const latencies = [...committed]
      .map(([id, at]) => (times.get(id) ?? Number.NaN) - at)
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
    await producers?.stop();
    await system.stop();
  }
}
