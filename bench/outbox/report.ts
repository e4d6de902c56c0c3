/**
 * The summary of `bench/outbox.ts`: each system judged by its best pass, the CPU it cost per event step by
 * step, the ratios and goals, and what the machine allows any relay (the bounds).
 */
import { availableParallelism } from "node:os";
import { ratio, summaryBlock } from "../lib/machine";
import { cpuLine } from "./processes";
import { EVENTS_PER_TX, type measure, PRODUCER_CONNECTIONS, PRODUCER_PROCS, STEP_MS } from "./steps";

/** One pass of one system: its ladder and latency, and the CPU each group spent over it. */
export type PassResult = Awaited<ReturnType<typeof measure>> & {
  system: string;
  cpu: Record<string, number>;
};

/** The lowest rate a pass offered (for one that sustained none: it was below that). */
const lowestTried = (x: PassResult) => Math.min(...x.steps.map((step) => step.rate));

/** The summary block for every pass of each system (by system name, in the order run). */
export function outboxReport(passes: Map<string, PassResult[]>): string {
  // Each system's best pass: the highest rate sustained, then the lower p99 at half of it (a pass whose
  // latency window measured nothing, p99 NaN, loses the tie).
  const lowerP99 = (x: PassResult, best: PassResult) => !Number.isNaN(x.p99) && !(x.p99 >= best.p99);
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
    // Nothing sustained means below the lowest step tried, not zero.
    const sustained = x.sustainedRate > 0 ? fmt(x.sustainedRate) : `< ${fmt(lowestTried(x))}`;
    const each = passes
      .get(x.system)!
      .map((p) => (p.sustainedRate > 0 ? num(p.sustainedRate) : `< ${num(lowestTried(p))}`));
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
        : `— (the reference sustained no step, not even ${num(lowestTried(r))}/s)`,
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
    rows.push(["any relay on this machine (bound)", `— (the machine was ${(100 * busy).toFixed(0)} % busy)`]);
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
  return summaryBlock("outbox: commit → consumer ack, durable, synchronous_commit on", rows);
}

const cores = availableParallelism();
const STEP_S = STEP_MS / 1000;
const percentOfCores = (seconds: number) => `${((100 * seconds) / (cores * STEP_S)).toFixed(0)} %`;

/** The step that decided the result: the lowest rate missed, else the last one run. */
const limitStep = (x: Awaited<ReturnType<typeof measure>>) =>
  x.steps.filter((s) => !s.sustained).sort((a, b) => a.rate - b.rate)[0] ?? x.steps.at(-1);
