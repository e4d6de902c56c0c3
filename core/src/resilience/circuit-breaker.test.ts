import { describe, expect, test } from "bun:test";
import { type CircuitBreaker, circuitBreaker, type Transition } from "./circuit-breaker";
import type { CircuitBreakerOptions } from "./circuit-breaker-options";
import { BrokenCircuitError } from "./errors";
import { FakeClock } from "./fake-clock";

const ok = () => Promise.resolve("ok");
const boom = () => Promise.reject(new Error("boom"));

function setup(options: CircuitBreakerOptions = {}) {
  const clock = new FakeClock(1_000_000);
  const breaker = circuitBreaker({
    clock,
    window: { kind: "count", size: 10 },
    minimumCalls: 4,
    openMs: 1_000,
    halfOpenMaxMs: 5_000,
    ...options,
  });
  const transitions: Transition[] = [];
  breaker.onStateChange((t) => transitions.push(t));
  return { clock, breaker, transitions };
}

async function run(breaker: CircuitBreaker, fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return await breaker.execute(fn);
  } catch (e) {
    return e;
  }
}

describe("circuit breaker", () => {
  test("opens after the failure rate passes the threshold, not before minimum calls", async () => {
    const { breaker, transitions } = setup();
    await run(breaker, boom);
    await run(breaker, boom);
    await run(breaker, boom);
    expect(breaker.state).toBe("closed");
    await run(breaker, ok);
    expect(breaker.state).toBe("open");
    expect(transitions[0]?.reason).toEqual({ kind: "failure-rate", rate: 0.75, threshold: 0.5, calls: 4 });
  });

  test("an open breaker rejects without calling the function and says when to retry", async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 4; i++) await run(breaker, boom);
    clock.tick(400);
    let called = false;
    const err = await run(breaker, async () => {
      called = true;
    });
    expect(called).toBe(false);
    expect(err).toBeInstanceOf(BrokenCircuitError);
    expect((err as BrokenCircuitError).retryAfterMs).toBe(600);
    expect((err as BrokenCircuitError).status).toBe(503);
  });

  test("rejections in one open period share one frozen error whose retryAfterMs counts down", async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 4; i++) await run(breaker, boom);
    const a = (await run(breaker, ok)) as BrokenCircuitError;
    clock.tick(250);
    const b = (await run(breaker, ok)) as BrokenCircuitError;
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a.retryAfterMs).toBe(750);
  });

  test("moves to half-open on a timer, without a call", async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 4; i++) await run(breaker, boom);
    clock.tick(999);
    expect(breaker.state).toBe("open");
    clock.tick(1);
    expect(breaker.state).toBe("half-open");
  });

  test("closes after the probes pass, re-opens when a probe fails", async () => {
    const { breaker, clock } = setup({ halfOpenProbes: 2 });
    for (let i = 0; i < 4; i++) await run(breaker, boom);
    clock.tick(1_000);
    await run(breaker, ok);
    expect(breaker.state).toBe("half-open");
    await run(breaker, ok);
    expect(breaker.state).toBe("closed");
    expect(breaker.stats().calls).toBe(0);
    for (let i = 0; i < 4; i++) await run(breaker, boom);
    clock.tick(1_000);
    await run(breaker, boom);
    await run(breaker, ok);
    expect(breaker.state).toBe("open");
  });

  test("half-open admits only its probes; an ignored error frees a slot", async () => {
    const { breaker, clock } = setup({ halfOpenProbes: 1, isFailure: (e) => !(e instanceof TypeError) });
    for (let i = 0; i < 4; i++) await run(breaker, boom);
    clock.tick(1_000);
    let release!: () => void;
    const probe = breaker.execute(() => new Promise<void>((r) => (release = r)));
    expect(await run(breaker, ok)).toBeInstanceOf(BrokenCircuitError);
    release();
    await probe;
    expect(breaker.state).toBe("closed");
    for (let i = 0; i < 4; i++) await run(breaker, boom);
    clock.tick(1_000);
    await run(breaker, () => Promise.reject(new TypeError("ignored")));
    expect(breaker.halfOpenAdmitted).toBe(0);
    expect(await run(breaker, ok)).toBe("ok");
  });

  test("re-opens after the maximum time in half-open", async () => {
    const { breaker, clock, transitions } = setup();
    for (let i = 0; i < 4; i++) await run(breaker, boom);
    clock.tick(1_000);
    void breaker.execute(() => new Promise(() => {}));
    clock.tick(5_000);
    expect(breaker.state).toBe("open");
    expect(transitions.at(-1)?.reason).toEqual({ kind: "half-open-timeout", halfOpenMaxMs: 5_000 });
  });

  test("a late probe from an earlier generation neither closes the circuit nor frees a slot", async () => {
    const { breaker, clock } = setup({ halfOpenProbes: 1 });
    for (let i = 0; i < 4; i++) await run(breaker, boom);
    clock.tick(1_000);
    let lateOk!: () => void;
    const late = breaker.execute(() => new Promise<void>((r) => (lateOk = r)));
    clock.tick(5_000); // half-open timeout → open (generation g+1)
    clock.tick(1_000); // → half-open (generation g+2)
    let current!: () => void;
    const probe = breaker.execute(() => new Promise<void>((r) => (current = r)));
    lateOk();
    await late;
    expect(breaker.state).toBe("half-open");
    expect(breaker.halfOpenAdmitted).toBe(1);
    expect(await run(breaker, ok)).toBeInstanceOf(BrokenCircuitError);
    current();
    await probe;
    expect(breaker.state).toBe("closed");
  });

  test("a late failure from a previous closed period is not recorded", async () => {
    const { breaker, clock } = setup();
    let fail!: (e: Error) => void;
    const late = breaker.execute(() => new Promise((_, r) => (fail = r)));
    for (let i = 0; i < 4; i++) await run(breaker, boom);
    clock.tick(1_000);
    await run(breaker, ok);
    expect(breaker.state).toBe("closed");
    fail(new Error("late"));
    await late.catch(() => {});
    expect(breaker.stats().calls).toBe(0);
  });

  test("slow calls open the circuit at the slow-call rate", async () => {
    const { breaker, clock, transitions } = setup({ slowCall: { durationMs: 100, rateThreshold: 0.5 } });
    for (let i = 0; i < 4; i++) {
      await run(breaker, async () => {
        if (i % 2 === 0) clock.tick(100);
      });
    }
    expect(breaker.state).toBe("open");
    expect(transitions[0]?.reason.kind).toBe("slow-call-rate");
  });

  test("results count by predicate: 5xx and 429 count, 4xx do not", async () => {
    const { breaker } = setup({ isResultFailure: (r) => (r as number) >= 500 || r === 429 });
    await run(breaker, () => Promise.resolve(404));
    await run(breaker, () => Promise.resolve(400));
    await run(breaker, () => Promise.resolve(503));
    await run(breaker, () => Promise.resolve(429));
    expect(breaker.stats()).toMatchObject({ calls: 4, failures: 2 });
    expect(breaker.state).toBe("open");
  });

  test("a time window forgets calls older than its duration", async () => {
    const { breaker, clock } = setup({ window: { kind: "time", durationMs: 10_000, buckets: 10 } });
    for (let i = 0; i < 3; i++) await run(breaker, boom);
    clock.tick(10_000);
    await run(breaker, boom);
    expect(breaker.state).toBe("closed");
    expect(breaker.stats().calls).toBe(1);
  });

  test("forced-open rejects, disabled passes, metrics-only records but never rejects, reset restores", async () => {
    const { breaker, transitions } = setup();
    breaker.forceOpen();
    expect(breaker.status).toBe("forced-open");
    expect(((await run(breaker, ok)) as BrokenCircuitError).reason).toBe("forced-open");
    breaker.disable();
    for (let i = 0; i < 6; i++) await run(breaker, boom);
    expect(breaker.status).toBe("disabled");
    breaker.metricsOnly();
    const dry: boolean[] = [];
    breaker.onReject((e) => dry.push(e.dryRun));
    for (let i = 0; i < 4; i++) await run(breaker, boom);
    expect(breaker.state).toBe("open");
    expect(await run(breaker, ok)).toBe("ok");
    expect(dry).toEqual([true]);
    breaker.reset();
    expect(breaker.status).toBe("closed");
    expect(breaker.mode).toBe("normal");
    expect(transitions.map((t) => t.reason.kind === "manual" && t.reason.action).filter(Boolean)).toEqual([
      "force-open",
      "disable",
      "metrics-only",
      "reset",
    ]);
  });

  test("snapshot and restore carry state, window and timers", async () => {
    const { breaker, clock } = setup();
    await run(breaker, boom);
    await run(breaker, ok);
    const copy = setup();
    copy.breaker.restore(breaker.snapshot());
    expect(copy.breaker.stats()).toMatchObject({ calls: 2, failures: 1 });
    for (let i = 0; i < 2; i++) await run(breaker, boom);
    expect(breaker.state).toBe("open");
    clock.tick(300);
    const other = setup();
    other.clock.tick(clock.now() - other.clock.now());
    other.breaker.restore(JSON.parse(JSON.stringify(breaker.snapshot())));
    expect(other.breaker.state).toBe("open");
    other.clock.tick(700);
    expect(other.breaker.state).toBe("half-open");
    expect(other.breaker.transitions().length).toBeGreaterThanOrEqual(2);
  });

  test("reconfigure keeps the window and state", async () => {
    const { breaker } = setup({ minimumCalls: 10, window: { kind: "count", size: 20 } });
    for (let i = 0; i < 6; i++) await run(breaker, boom);
    expect(breaker.state).toBe("closed");
    breaker.reconfigure({ minimumCalls: 4, window: { kind: "count", size: 5 } });
    expect(breaker.stats().calls).toBe(5);
    await run(breaker, boom);
    expect(breaker.state).toBe("open");
    breaker.reconfigure({ openMs: 2_000 });
    expect(breaker.state).toBe("open");
    expect(breaker.config.openMs).toBe(2_000);
  });

  test("history is bounded and says why", async () => {
    const { breaker } = setup({ historySize: 3 });
    for (let i = 0; i < 5; i++) breaker.forceOpen();
    expect(breaker.transitions()).toHaveLength(3);
  });

  test("invalid options are refused in the factory", () => {
    expect(() => circuitBreaker({ failureRateThreshold: 1.5 })).toThrow(RangeError);
    expect(() => circuitBreaker({ window: { kind: "count", size: 0 } })).toThrow(RangeError);
  });

  test("a function that throws synchronously counts as a failure", async () => {
    const { breaker } = setup({ minimumCalls: 1 });
    const err = await run(breaker, () => {
      throw new Error("sync");
    });
    expect((err as Error).message).toBe("sync");
    expect(breaker.state).toBe("open");
  });
});
