import {
  type BreakerConfig,
  type BreakerMode,
  type CircuitBreakerOptions,
  createWindow,
  resolveOptions,
  sameWindow,
} from "./circuit-breaker-options";
import type { Clock, TimerHandle } from "./clock";
import { BrokenCircuitError, type RejectionReason } from "./errors";
import { type Event, EventEmitter } from "./events";
import { type Policy, type PolicyContext, toContext } from "./policy";
import type { BreakerWindow, Outcome, WindowDump, WindowStats } from "./window";

export type CircuitState = "closed" | "open" | "half-open";
/** What the console shows: the circuit state, or the manual mode that overrides it. */
export type BreakerStatus = CircuitState | "forced-open" | "disabled";
export type ManualAction = "reset" | "force-open" | "disable" | "metrics-only";

/** Why a transition happened: which threshold, at what rate, over how many calls. */
export type TransitionReason =
  | { kind: "failure-rate"; rate: number; threshold: number; calls: number }
  | { kind: "slow-call-rate"; rate: number; threshold: number; calls: number }
  | { kind: "wait-elapsed"; openMs: number }
  | { kind: "probes-passed"; probes: number }
  | { kind: "half-open-timeout"; halfOpenMaxMs: number }
  | { kind: "manual"; action: ManualAction }
  | { kind: "restored" };

export interface Transition {
  from: BreakerStatus;
  to: BreakerStatus;
  /** Clock time in ms. */
  at: number;
  reason: TransitionReason;
}

/** One finished call. `stale`: admitted in an earlier generation, so it changed nothing. */
export interface CallEvent {
  outcome: "success" | "failure" | "ignored" | "stale";
  slow: boolean;
  durationMs: number;
}

/** A refused call; `dryRun` in metrics-only mode, where the call ran anyway. */
export interface RejectEvent {
  reason: RejectionReason;
  dryRun: boolean;
}

/** Serialisable breaker state for {@link CircuitBreaker.restore}. */
export interface BreakerSnapshot {
  version: 1;
  mode: BreakerMode;
  state: CircuitState;
  openUntil: number;
  window: WindowDump;
  history: Transition[];
}

/**
 * A circuit breaker policy. Hot path (closed, success): a flag read, the call, a ring-buffer write
 * and a threshold check — no lock, no extra await.
 */
export class CircuitBreaker implements Policy {
  /** Set by `BreakerSet.add`; used in error messages. */
  name: string | undefined;
  private raw: CircuitBreakerOptions;
  private cfg!: BreakerConfig;
  private isFailure!: (error: unknown) => boolean;
  private isResultFailure: ((result: unknown) => boolean) | undefined;
  private readonly clock: Clock;
  private window!: BreakerWindow;
  private slowMs = Number.POSITIVE_INFINITY;
  private timedByConfig = false;
  private timed = false;
  private _state: CircuitState = "closed";
  private _mode: BreakerMode = "normal";
  /** Bumped on every transition; calls are tagged with it so late results cannot act. */
  private gen = 0;
  /** Closed and not overridden: the path that skips every other check. */
  private fast = true;
  private openUntil = 0;
  private halfOpenUntil = 0;
  /** The error shared by this generation's rejections. */
  private rejection: BrokenCircuitError | undefined;
  private probesAdmitted = 0;
  private probesDone = 0;
  private probeFailures = 0;
  private probeSlow = 0;
  private timer: TimerHandle | undefined;
  private history: Transition[] = [];
  private readonly changed = new EventEmitter<Transition>();
  private readonly called = new EventEmitter<CallEvent>();
  private readonly rejected = new EventEmitter<RejectEvent>();

  /** Every status change, automatic or manual. */
  readonly onStateChange: Event<Transition> = this.changed.on;
  /** Every call outcome. */
  readonly onReject: Event<RejectEvent> = this.rejected.on;
  readonly onCall: Event<CallEvent> = (listener) => {
    const sub = this.called.on(listener);
    this.timed = true;
    return {
      dispose: () => {
        sub.dispose();
        this.timed = this.timedByConfig || this.called.size > 0;
      },
    };
  };

  constructor(options: CircuitBreakerOptions = {}) {
    this.raw = options;
    const resolved = resolveOptions(options);
    this.clock = resolved.clock;
    this.apply(resolved);
    this.window = createWindow(this.cfg.window);
    this._mode = options.mode ?? "normal";
    this.fast = this.computeFast();
  }

  get state(): CircuitState {
    return this._state;
  }

  get mode(): BreakerMode {
    return this._mode;
  }

  get status(): BreakerStatus {
    return this._mode === "forced-open" || this._mode === "disabled" ? this._mode : this._state;
  }

  get config(): BreakerConfig {
    return structuredClone(this.cfg);
  }

  /** Calls currently admitted as probes in this half-open generation. */
  get halfOpenAdmitted(): number {
    return this._state === "half-open" ? this.probesAdmitted : 0;
  }

  /** The window's counts now. */
  stats(): WindowStats {
    return this.window.snapshot(this.clock.now());
  }

  /** The last transitions, oldest first. */
  transitions(): Transition[] {
    return this.history.slice();
  }

  execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx?: Partial<PolicyContext>): Promise<T> {
    if (this.fast) return this.track(fn, toContext(ctx), this.gen);
    return this.admit(fn, ctx);
  }

  /** Back to normal mode and a closed circuit with an empty window. */
  reset(): void {
    this._mode = "normal";
    this.transition("closed", { kind: "manual", action: "reset" }, this.status);
  }

  /** Rejects every call until `reset()`. */
  forceOpen(): void {
    this.setMode("forced-open", "force-open");
  }

  /** Lets every call through unrecorded until `reset()`. */
  disable(): void {
    this.setMode("disabled", "disable");
  }

  /** Dry run: records and transitions as usual but never rejects, until `reset()`. */
  metricsOnly(): void {
    this.setMode("metrics-only", "metrics-only");
  }

  /**
   * Changes options at run time, keeping state and window (trimmed if a count window shrinks;
   * reset if the window kind or time granularity changes). Takes effect from the next call.
   */
  reconfigure(options: CircuitBreakerOptions): void {
    const next = { ...this.raw, ...options };
    const resolved = resolveOptions(next);
    if (!sameWindow(resolved.config.window, this.cfg.window)) {
      const dump = this.window.dump();
      this.window = createWindow(resolved.config.window);
      this.window.load(dump);
    }
    this.raw = next;
    this.apply(resolved);
    if (options.mode && options.mode !== this._mode) this._mode = options.mode;
    this.fast = this.computeFast();
  }

  snapshot(): BreakerSnapshot {
    return {
      version: 1,
      mode: this._mode,
      state: this._state,
      openUntil: this.openUntil,
      window: this.window.dump(),
      history: this.transitions(),
    };
  }

  /** Takes over a snapshot: mode, state (a half-open one starts a fresh probe generation), window, history. */
  restore(s: BreakerSnapshot): void {
    const from = this.status;
    this._mode = s.mode;
    this.history = s.history.slice(-this.cfg.historySize);
    const reason: TransitionReason = { kind: "restored" };
    if (s.state === "open") {
      this.enter("open", from, reason);
      this.openUntil = s.openUntil;
      this.schedule(Math.max(0, s.openUntil - this.clock.now()));
    } else this.enter(s.state, from, reason);
    this.window.load(s.window);
  }

  private admit<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx?: Partial<PolicyContext>): Promise<T> {
    const mode = this._mode;
    if (mode === "disabled") return fn(toContext(ctx));
    if (mode === "forced-open") return this.reject(fn, ctx, "forced-open");
    if (this._state === "open") {
      // The armed timer moves open → half-open; reading the clock is only the fallback.
      if (this.timer !== undefined || this.clock.now() < this.openUntil) return this.reject(fn, ctx, "open");
      this.transition("half-open", { kind: "wait-elapsed", openMs: this.cfg.openMs });
    }
    if (this._state === "closed") return this.track(fn, toContext(ctx), this.gen);
    if (this.probesAdmitted < this.cfg.halfOpenProbes) {
      this.probesAdmitted++;
      return this.track(fn, toContext(ctx), this.gen);
    }
    return this.reject(fn, ctx, "half-open-full");
  }

  private reject<T>(
    fn: (ctx: PolicyContext) => Promise<T>,
    ctx: Partial<PolicyContext> | undefined,
    reason: RejectionReason,
  ): Promise<T> {
    const dryRun = this._mode === "metrics-only";
    if (this.rejected.size !== 0) this.rejected.emit({ reason, dryRun });
    if (dryRun) return fn(toContext(ctx));
    let error = this.rejection;
    if (error === undefined || error.reason !== reason) error = this.rejection = this.rejectionFor(reason);
    return Promise.reject(error);
  }

  private rejectionFor(reason: RejectionReason): BrokenCircuitError {
    const until =
      reason === "open"
        ? () => this.openUntil
        : reason === "half-open-full"
          ? () => this.halfOpenUntil
          : undefined;
    const retryAfter = until && (() => until() - this.clock.now());
    const error = new BrokenCircuitError(reason, retryAfter, this.name);
    Object.freeze(error);
    return error;
  }

  private track<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx: PolicyContext, gen: number): Promise<T> {
    const start = this.timed ? this.clock.now() : 0;
    let p: Promise<T>;
    try {
      p = fn(ctx);
    } catch (e) {
      p = Promise.reject(e);
    }
    return p.then(
      (r) => {
        this.settle(this.isResultFailure?.(r) === true, gen, start);
        return r;
      },
      (e) => {
        if (this.isFailure(e)) this.settle(true, gen, start);
        else this.ignore(gen, start);
        throw e;
      },
    );
  }

  private settle(failed: boolean, gen: number, start: number): void {
    const end = this.timed ? this.clock.now() : 0;
    const slow = end - start >= this.slowMs;
    if (this.called.size !== 0) {
      const outcome = gen !== this.gen ? "stale" : failed ? "failure" : "success";
      this.called.emit({ outcome, slow, durationMs: end - start });
    }
    if (gen !== this.gen) return;
    if (this._state === "closed") {
      const w = this.window;
      w.record(((failed ? 1 : 0) | (slow ? 2 : 0)) as Outcome, end);
      if (w.calls >= this.cfg.minimumCalls) this.evaluate(w.calls, w.failures, w.slow, "closed");
      return;
    }
    this.probesDone++;
    if (failed) this.probeFailures++;
    if (slow) this.probeSlow++;
    if (this.probesDone >= this.cfg.halfOpenProbes) {
      this.evaluate(this.probesDone, this.probeFailures, this.probeSlow, "half-open");
    }
  }

  private ignore(gen: number, start: number): void {
    if (this.called.size !== 0) {
      const durationMs = (this.timed ? this.clock.now() : 0) - start;
      this.called.emit({ outcome: gen === this.gen ? "ignored" : "stale", slow: false, durationMs });
    }
    if (gen === this.gen && this._state === "half-open") this.probesAdmitted--;
  }

  private evaluate(calls: number, failures: number, slow: number, from: CircuitState): void {
    const { failureRateThreshold, slowCall } = this.cfg;
    const rate = failures / calls;
    if (rate >= failureRateThreshold) {
      this.transition("open", { kind: "failure-rate", rate, threshold: failureRateThreshold, calls });
    } else if (slowCall && slow / calls >= slowCall.rateThreshold) {
      const r = slow / calls;
      this.transition("open", { kind: "slow-call-rate", rate: r, threshold: slowCall.rateThreshold, calls });
    } else if (from === "half-open") {
      this.transition("closed", { kind: "probes-passed", probes: calls });
    }
  }

  private transition(to: CircuitState, reason: TransitionReason, from: BreakerStatus = this.status): void {
    this.enter(to, from, reason);
    if (to === "open") {
      this.openUntil = this.clock.now() + this.cfg.openMs;
      this.schedule(this.cfg.openMs);
    }
  }

  private enter(to: CircuitState, from: BreakerStatus, reason: TransitionReason): void {
    this._state = to;
    this.gen++;
    this.rejection = undefined;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (to === "closed") this.window.reset();
    if (to === "half-open") {
      this.probesAdmitted = this.probesDone = this.probeFailures = this.probeSlow = 0;
      this.halfOpenUntil = this.clock.now() + this.cfg.halfOpenMaxMs;
      this.schedule(this.cfg.halfOpenMaxMs);
    }
    this.fast = this.computeFast();
    this.record({ from, to: this.status, at: this.clock.now(), reason });
  }

  /** Arms the timer that leaves the current generation: open → half-open, or half-open → open. */
  private schedule(ms: number): void {
    const gen = this.gen;
    this.timer = this.clock.setTimeout(() => {
      if (gen !== this.gen) return;
      this.timer = undefined;
      if (this._state === "open")
        this.transition("half-open", { kind: "wait-elapsed", openMs: this.cfg.openMs });
      else if (this._state === "half-open") {
        this.transition("open", { kind: "half-open-timeout", halfOpenMaxMs: this.cfg.halfOpenMaxMs });
      }
    }, ms);
  }

  private setMode(mode: BreakerMode, action: ManualAction): void {
    const from = this.status;
    this._mode = mode;
    this.rejection = undefined;
    this.fast = this.computeFast();
    this.record({ from, to: this.status, at: this.clock.now(), reason: { kind: "manual", action } });
  }

  private record(t: Transition): void {
    this.history.push(t);
    if (this.history.length > this.cfg.historySize) this.history.shift();
    if (this.changed.size !== 0) this.changed.emit(t);
  }

  private apply(r: ReturnType<typeof resolveOptions>): void {
    this.cfg = r.config;
    this.isFailure = r.isFailure;
    this.isResultFailure = r.isResultFailure;
    this.slowMs = r.config.slowCall ? r.config.slowCall.durationMs : Number.POSITIVE_INFINITY;
    this.timedByConfig = r.config.slowCall !== false || r.config.window.kind === "time";
    this.timed = this.timedByConfig || this.called.size > 0;
  }

  private computeFast(): boolean {
    return this._state === "closed" && (this._mode === "normal" || this._mode === "metrics-only");
  }
}

/**
 * Creates a circuit breaker. Options are validated and defaulted here, once.
 *
 * @example
 * const breaker = circuitBreaker({
 *   window: { kind: "time", durationMs: 10_000 },
 *   failureRateThreshold: 0.5,
 *   slowCall: { durationMs: 2_000, rateThreshold: 0.8 },
 *   minimumCalls: 20,
 *   openMs: 5_000,
 *   isFailure: (e) => !(e instanceof ValidationError),
 * });
 * const res = await breaker.execute(({ signal }) => fetch(url, { signal }));
 */
export function circuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  return new CircuitBreaker(options);
}
