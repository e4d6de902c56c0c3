import { type Clock, systemClock } from "./clock";
import { CountWindow } from "./count-window";
import { TimeWindow } from "./time-window";
import type { BreakerWindow, WindowOptions } from "./window";

/**
 * How a breaker behaves, independent of its circuit state.
 * - `normal`: the state machine decides.
 * - `forced-open`: every call is rejected.
 * - `disabled`: every call passes, nothing is recorded (always closed).
 * - `metrics-only`: a dry run; the state machine runs and reports, but calls are never rejected.
 */
export type BreakerMode = "normal" | "forced-open" | "disabled" | "metrics-only";

/** Options of {@link circuitBreaker}. Every field is optional; defaults are given per field. */
export interface CircuitBreakerOptions {
  /** The window the rates are measured over. Defaults to the last 100 calls (`{ kind: "count", size: 100 }`). */
  window?: WindowOptions;
  /** Opens when failures / calls reaches this fraction. Defaults to 0.5. */
  failureRateThreshold?: number;
  /** Slow-call detection: a call lasting at least `durationMs` is slow; opens when slow / calls reaches `rateThreshold`. Defaults to off. */
  slowCall?: { durationMs: number; rateThreshold: number } | false;
  /** Calls in the window before the breaker may open; capped at a count window's size. Defaults to 20. */
  minimumCalls?: number;
  /** Time open before half-open, driven by a timer. Defaults to 30 s. */
  openMs?: number;
  /** Probe calls admitted per half-open generation. Defaults to 1. */
  halfOpenProbes?: number;
  /** Longest time in half-open before re-opening (stuck probes). Defaults to 60 s. */
  halfOpenMaxMs?: number;
  /** Whether an error counts as a failure; `false` means ignored (not recorded, frees a probe slot). Defaults to every error counting. */
  isFailure?: (error: unknown) => boolean;
  /** Whether a successful result counts as a failure (e.g. a 503 `Response`). Defaults to never. */
  isResultFailure?: (result: unknown) => boolean;
  /** Initial mode. Defaults to `"normal"`. */
  mode?: BreakerMode;
  /** Transitions kept for the console. Defaults to 20. */
  historySize?: number;
  /** Defaults to {@link systemClock}. */
  clock?: Clock;
}

/** The validated, defaulted, JSON-safe part of the options (what `/ops/breakers` shows). */
export interface BreakerConfig {
  window: WindowOptions;
  failureRateThreshold: number;
  slowCall: { durationMs: number; rateThreshold: number } | false;
  minimumCalls: number;
  openMs: number;
  halfOpenProbes: number;
  halfOpenMaxMs: number;
  historySize: number;
}

export interface ResolvedOptions {
  config: BreakerConfig;
  isFailure: (error: unknown) => boolean;
  isResultFailure: ((result: unknown) => boolean) | undefined;
  clock: Clock;
}

const always = () => true;

export function resolveOptions(o: CircuitBreakerOptions): ResolvedOptions {
  const window = o.window ?? { kind: "count", size: 100 };
  if (window.kind === "count") positiveInt("window.size", window.size);
  else {
    positive("window.durationMs", window.durationMs);
    positiveInt("window.buckets", window.buckets ?? 10);
  }
  const config: BreakerConfig = {
    window: window.kind === "count" ? { ...window } : { ...window, buckets: window.buckets ?? 10 },
    failureRateThreshold: fraction("failureRateThreshold", o.failureRateThreshold ?? 0.5),
    slowCall: o.slowCall
      ? {
          durationMs: positive("slowCall.durationMs", o.slowCall.durationMs),
          rateThreshold: fraction("slowCall.rateThreshold", o.slowCall.rateThreshold),
        }
      : false,
    minimumCalls: positiveInt("minimumCalls", o.minimumCalls ?? 20),
    openMs: positive("openMs", o.openMs ?? 30_000),
    halfOpenProbes: positiveInt("halfOpenProbes", o.halfOpenProbes ?? 1),
    halfOpenMaxMs: positive("halfOpenMaxMs", o.halfOpenMaxMs ?? 60_000),
    historySize: positiveInt("historySize", o.historySize ?? 20),
  };
  if (window.kind === "count") config.minimumCalls = Math.min(config.minimumCalls, window.size);
  return {
    config,
    isFailure: o.isFailure ?? always,
    isResultFailure: o.isResultFailure,
    clock: o.clock ?? systemClock,
  };
}

export function createWindow(w: WindowOptions): BreakerWindow {
  return w.kind === "count" ? new CountWindow(w.size) : new TimeWindow(w.durationMs, w.buckets ?? 10);
}

export function sameWindow(a: WindowOptions, b: WindowOptions): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`circuitBreaker: ${name} must be > 0, got ${v}`);
  return v;
}

function positiveInt(name: string, v: number): number {
  if (!(Number.isInteger(v) && v > 0))
    throw new RangeError(`circuitBreaker: ${name} must be an integer > 0, got ${v}`);
  return v;
}

function fraction(name: string, v: number): number {
  if (!(v > 0 && v <= 1)) throw new RangeError(`circuitBreaker: ${name} must be in (0, 1], got ${v}`);
  return v;
}
