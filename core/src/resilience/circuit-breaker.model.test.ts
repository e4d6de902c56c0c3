import { expect, test } from "bun:test";
import fc from "fast-check";
import { type CircuitBreaker, type CircuitState, circuitBreaker } from "./circuit-breaker";
import { BrokenCircuitError } from "./errors";
import { FakeClock } from "./fake-clock";

/** The breaker as a reference model: plain arrays and arithmetic, no windows, no timers. */
interface Config {
  size: number;
  minimumCalls: number;
  threshold: number;
  slow: { durationMs: number; rateThreshold: number } | false;
  openMs: number;
  halfOpenMaxMs: number;
  probes: number;
}

class Model {
  state: CircuitState = "closed";
  now = 0;
  gen = 0;
  openUntil = 0;
  halfOpenUntil = 0;
  window: Array<{ failed: boolean; slow: boolean }> = [];
  admitted = 0;
  probes: Array<{ failed: boolean; slow: boolean }> = [];
  pending: Array<{ gen: number; start: number }> = [];

  constructor(readonly cfg: Config) {}

  private enter(state: CircuitState) {
    this.state = state;
    this.gen++;
    if (state === "closed") this.window = [];
    if (state === "open") this.openUntil = this.now + this.cfg.openMs;
    if (state === "half-open") {
      this.admitted = 0;
      this.probes = [];
      this.halfOpenUntil = this.now + this.cfg.halfOpenMaxMs;
    }
  }

  advance(ms: number) {
    const target = this.now + ms;
    for (;;) {
      if (this.state === "open" && this.openUntil <= target) {
        this.now = this.openUntil;
        this.enter("half-open");
      } else if (this.state === "half-open" && this.halfOpenUntil <= target) {
        this.now = this.halfOpenUntil;
        this.enter("open");
      } else break;
    }
    this.now = target;
  }

  /** The generation the call runs in, or undefined when rejected. */
  admit(): number | undefined {
    if (this.state === "closed") return this.gen;
    if (this.state === "half-open" && this.admitted < this.cfg.probes) {
      this.admitted++;
      return this.gen;
    }
    return undefined;
  }

  settle(gen: number, start: number, kind: "ok" | "fail" | "ignore") {
    if (gen !== this.gen) return;
    if (kind === "ignore") {
      if (this.state === "half-open") this.admitted--;
      return;
    }
    const slow = this.cfg.slow !== false && this.now - start >= this.cfg.slow.durationMs;
    const outcome = { failed: kind === "fail", slow };
    const list = this.state === "closed" ? this.window : this.probes;
    list.push(outcome);
    if (this.state === "closed" && list.length > this.cfg.size) list.shift();
    const enough =
      this.state === "closed"
        ? list.length >= Math.min(this.cfg.minimumCalls, this.cfg.size)
        : list.length >= this.cfg.probes;
    if (!enough) return;
    const failures = list.filter((o) => o.failed).length;
    const slowCalls = list.filter((o) => o.slow).length;
    if (failures / list.length >= this.cfg.threshold) this.enter("open");
    else if (this.cfg.slow && slowCalls / list.length >= this.cfg.slow.rateThreshold) this.enter("open");
    else if (this.state === "half-open") this.enter("closed");
  }
}

class Ignored extends Error {}

interface Real {
  clock: FakeClock;
  breaker: CircuitBreaker;
  pending: Array<{ settle: (kind: "ok" | "fail" | "ignore") => void; done: Promise<unknown> }>;
}

function check(m: Model, r: Real) {
  expect(r.breaker.state).toBe(m.state);
  expect(r.breaker.halfOpenAdmitted).toBeLessThanOrEqual(m.cfg.probes);
  if (m.state === "half-open") expect(r.breaker.halfOpenAdmitted).toBe(m.admitted);
  if (m.state === "closed") expect(r.breaker.stats().calls).toBe(m.window.length);
}

const outcome = (kind: "ok" | "fail" | "ignore") =>
  kind === "ok" ? undefined : kind === "fail" ? new Error("fail") : new Ignored();

class CallCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly kind: "ok" | "fail" | "ignore",
    readonly durationMs: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const gen = m.admit();
    const start = m.now;
    let called = false;
    const result = await r.breaker
      .execute(async () => {
        called = true;
        r.clock.tick(this.durationMs);
        const e = outcome(this.kind);
        if (e) throw e;
        return "ok";
      })
      .catch((e: unknown) => e);
    if (gen === undefined) {
      expect(called).toBe(false);
      expect(result).toBeInstanceOf(BrokenCircuitError);
      m.advance(0);
    } else {
      expect(called).toBe(true);
      m.advance(this.durationMs);
      m.settle(gen, start, this.kind);
    }
    check(m, r);
  }
  toString = () => `call(${this.kind}, ${this.durationMs})`;
}

class StartCommand implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.pending.length < 4;
  async run(m: Model, r: Real) {
    const gen = m.admit();
    let called = false;
    let settle!: (kind: "ok" | "fail" | "ignore") => void;
    const done = r.breaker
      .execute(() => {
        called = true;
        return new Promise((resolve, reject) => {
          settle = (kind) => {
            const e = outcome(kind);
            if (e) reject(e);
            else resolve("ok");
          };
        });
      })
      .catch((e: unknown) => e);
    if (gen === undefined) {
      expect(called).toBe(false);
      expect(await done).toBeInstanceOf(BrokenCircuitError);
    } else {
      expect(called).toBe(true);
      m.pending.push({ gen, start: m.now });
      r.pending.push({ settle, done });
    }
    check(m, r);
  }
  toString = () => "start";
}

class SettleCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly index: number,
    readonly kind: "ok" | "fail" | "ignore",
  ) {}
  check = (m: Readonly<Model>) => m.pending.length > 0;
  async run(m: Model, r: Real) {
    const i = this.index % m.pending.length;
    const [call] = m.pending.splice(i, 1);
    const [real] = r.pending.splice(i, 1);
    real!.settle(this.kind);
    await real!.done;
    m.settle(call!.gen, call!.start, this.kind);
    check(m, r);
  }
  toString = () => `settle(${this.index}, ${this.kind})`;
}

class TickCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    r.clock.tick(this.ms);
    m.advance(this.ms);
    check(m, r);
  }
  toString = () => `tick(${this.ms})`;
}

const kind = fc.constantFrom("ok", "fail", "ignore" as const);
const commands = fc.commands(
  [
    fc.tuple(kind, fc.constantFrom(0, 10, 60)).map(([k, d]) => new CallCommand(k, d)),
    fc.constant(new StartCommand()),
    fc.tuple(fc.nat(3), kind).map(([i, k]) => new SettleCommand(i, k)),
    fc.integer({ min: 1, max: 400 }).map((ms) => new TickCommand(ms)),
  ],
  { maxCommands: 60, size: "max" },
);

const config: fc.Arbitrary<Config> = fc
  .record({
    size: fc.integer({ min: 1, max: 8 }),
    minimumCalls: fc.integer({ min: 1, max: 10 }),
    threshold: fc.constantFrom(0.25, 0.5, 1),
    slow: fc.option(fc.record({ durationMs: fc.constant(50), rateThreshold: fc.constantFrom(0.5, 1) }), {
      nil: undefined,
    }),
    openMs: fc.constantFrom(100, 250),
    halfOpenMaxMs: fc.constantFrom(120, 300),
    probes: fc.integer({ min: 1, max: 3 }),
  })
  .map((c) => ({ ...c, slow: c.slow ?? false }));

const RUNS = 10_000;

test(`matches the reference model over ${RUNS} random sequences of calls, settles and time steps`, async () => {
  await fc.assert(
    fc.asyncProperty(config, commands, async (cfg, cmds) => {
      const clock = new FakeClock(0);
      const breaker = circuitBreaker({
        clock,
        window: { kind: "count", size: cfg.size },
        minimumCalls: cfg.minimumCalls,
        failureRateThreshold: cfg.threshold,
        slowCall: cfg.slow,
        openMs: cfg.openMs,
        halfOpenMaxMs: cfg.halfOpenMaxMs,
        halfOpenProbes: cfg.probes,
        isFailure: (e) => !(e instanceof Ignored),
      });
      await fc.asyncModelRun(() => ({ model: new Model(cfg), real: { clock, breaker, pending: [] } }), cmds);
    }),
    { numRuns: RUNS },
  );
}, 60_000);
