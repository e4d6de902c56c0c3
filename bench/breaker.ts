/**
 * Micro benchmark: a no-op async function called directly, through opossum, through cockatiel and
 * through Diana's breaker — closed/success, closed/failure, open/rejection — in one process, one run.
 * Prints ns/op and ratios. `bun run bench/breaker.ts`
 */
import { circuitBreaker } from "@diana/core/resilience";
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker as cockatielBreaker,
  handleAll,
  SamplingBreaker,
} from "cockatiel";
import { bench, group, run } from "mitata";
import Opossum from "opossum";
import { ratio, summaryBlock } from "./lib/machine";

const noop = async () => {};
const fail = async () => {
  throw failure;
};
const failure = new Error("fail");
const swallow = () => {};

type Subject = "direct" | "opossum" | "cockatiel-sampling" | "cockatiel-consecutive" | "diana";
type Scenario = "closed/success" | "closed/failure" | "open/rejection";

/**
 * Each library's breaker in the scenario's state, with its default options except where the
 * scenario needs otherwise: closed/failure uses thresholds failures can never reach; open/rejection
 * trips each breaker with real failures first. opossum runs without its per-call timeout timer so
 * that only the breaker is measured.
 */
async function subjects(scenario: Scenario): Promise<Array<[Subject, () => Promise<unknown>]>> {
  const fn = scenario === "closed/success" ? noop : fail;
  const never = Number.MAX_SAFE_INTEGER;
  const hour = 3_600_000;
  const failing = scenario === "closed/failure";
  const opossum = new Opossum(fn, {
    timeout: false,
    resetTimeout: hour,
    ...(failing ? { volumeThreshold: never } : {}),
  });
  const sampling = cockatielBreaker(handleAll, {
    halfOpenAfter: hour,
    breaker: new SamplingBreaker({
      threshold: 0.5,
      duration: 10_000,
      ...(failing ? { minimumRps: never } : {}),
    }),
  });
  const consecutive = cockatielBreaker(handleAll, {
    halfOpenAfter: hour,
    breaker: new ConsecutiveBreaker(failing ? never : 5),
  });
  // A time window with an unreachable minimum records every failure and never trips.
  const diana = circuitBreaker(
    failing
      ? { window: { kind: "time", durationMs: 10_000 }, minimumCalls: never, openMs: hour }
      : { minimumCalls: 5, openMs: hour },
  );
  if (scenario === "open/rejection") {
    for (let i = 0; i < 200; i++) {
      await opossum.fire().catch(swallow);
      await sampling.execute(fn).catch(swallow);
      await consecutive.execute(fn).catch(swallow);
      await diana.execute(fn).catch(swallow);
    }
    const states = [opossum.opened, sampling.state, consecutive.state, diana.state];
    if (
      !(
        states[0] === true &&
        states[1] === CircuitState.Open &&
        states[2] === CircuitState.Open &&
        states[3] === "open"
      )
    ) {
      throw new Error(`open/rejection: not every breaker tripped: ${JSON.stringify(states)}`);
    }
  }
  return [
    ["direct", () => fn().catch(swallow)],
    ["opossum", () => opossum.fire().catch(swallow)],
    ["cockatiel-sampling", () => sampling.execute(fn).catch(swallow)],
    ["cockatiel-consecutive", () => consecutive.execute(fn).catch(swallow)],
    ["diana", () => diana.execute(fn).catch(swallow)],
  ];
}

const scenarios: Scenario[] = ["closed/success", "closed/failure", "open/rejection"];

export async function main(): Promise<string> {
  for (const scenario of scenarios) {
    const list = await subjects(scenario);
    group(scenario, () => {
      for (const [name, call] of list) bench(`${scenario} ${name}`, call);
    });
  }
  const { benchmarks } = await run({ format: "mitata", colors: false });
  const ns = new Map<string, number>();
  for (const b of benchmarks) {
    const stats = b.runs[0]?.stats;
    if (stats) ns.set(b.alias, stats.avg);
  }
  const get = (s: Scenario, subject: Subject) => ns.get(`${s} ${subject}`) ?? Number.NaN;
  const rows: Array<[string, string]> = [];
  for (const s of scenarios) {
    rows.push([
      `${s} ns/op`,
      (["direct", "opossum", "cockatiel-sampling", "cockatiel-consecutive", "diana"] as Subject[])
        .map((x) => `${x} ${get(s, x).toFixed(1)}`)
        .join(" · "),
    ]);
  }
  const d = (s: Scenario) => get(s, "diana");
  rows.push([
    "closed/success vs opossum",
    ratio(d("closed/success"), get("closed/success", "opossum"), 0.33),
  ]);
  rows.push([
    "closed/success vs cockatiel",
    `${ratio(d("closed/success"), get("closed/success", "cockatiel-sampling"), 1)} sampling · ${ratio(d("closed/success"), get("closed/success", "cockatiel-consecutive"), 1)} consecutive`,
  ]);
  rows.push(["closed/failure vs opossum", ratio(d("closed/failure"), get("closed/failure", "opossum"))]);
  rows.push([
    "closed/failure vs cockatiel",
    `${ratio(d("closed/failure"), get("closed/failure", "cockatiel-sampling"))} sampling · ${ratio(d("closed/failure"), get("closed/failure", "cockatiel-consecutive"))} consecutive`,
  ]);
  rows.push(["open/rejection vs opossum", ratio(d("open/rejection"), get("open/rejection", "opossum"), 0.2)]);
  rows.push([
    "open/rejection vs cockatiel",
    `${ratio(d("open/rejection"), get("open/rejection", "cockatiel-sampling"))} sampling · ${ratio(d("open/rejection"), get("open/rejection", "cockatiel-consecutive"))} consecutive`,
  ]);
  const block = summaryBlock("bench/breaker.ts — Diana breaker vs opossum 10.0.0 and cockatiel 4.0.0", rows);
  console.log(`\n${block}`);
  return block;
}

if (import.meta.main) await main();
