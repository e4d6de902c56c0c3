import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { BreakerSet, BreakerStatus, Disposable } from "../resilience";

/**
 * `diana_breaker_state` values. In metrics-only mode the gauge shows the state the breaker would
 * be in (0–2), since that is what the dry run is for.
 */
export const BREAKER_STATE_VALUE: Record<BreakerStatus, number> = {
  closed: 0,
  open: 1,
  "half-open": 2,
  "forced-open": 3,
  disabled: 4,
};

/**
 * Keeps Prometheus metrics for every breaker in `set`, including breakers added later:
 * - `diana_breaker_state{breaker}` gauge, see {@link BREAKER_STATE_VALUE};
 * - `diana_breaker_transitions_total{breaker,from,to}`;
 * - `diana_breaker_calls_total{breaker,outcome}`, outcome one of `success`, `failure`,
 *   `slow_success`, `slow_failure`, `ignored` (not counted by the breaker), `stale` (a late
 *   result from an earlier generation), `rejected`, `rejected_dry_run` (metrics-only);
 * - `diana_breaker_call_duration_seconds{breaker}` histogram of admitted calls.
 * Returns a handle that unsubscribes.
 *
 * @example
 * const metrics = createMetrics({ service: "trading" });
 * bindBreakerMetrics(breakers, metrics.registry);
 */
export function bindBreakerMetrics(set: BreakerSet, registry: Registry): Disposable {
  const state = metric(
    registry,
    "diana_breaker_state",
    (name) =>
      new Gauge({
        name,
        help: "Breaker state: 0 closed, 1 open, 2 half-open, 3 forced-open, 4 disabled.",
        labelNames: ["breaker"],
        registers: [registry],
      }),
  );
  const transitions = metric(
    registry,
    "diana_breaker_transitions_total",
    (name) =>
      new Counter({
        name,
        help: "Breaker state transitions.",
        labelNames: ["breaker", "from", "to"],
        registers: [registry],
      }),
  );
  const calls = metric(
    registry,
    "diana_breaker_calls_total",
    (name) =>
      new Counter({
        name,
        help: "Calls through breakers by outcome.",
        labelNames: ["breaker", "outcome"],
        registers: [registry],
      }),
  );
  const duration = metric(
    registry,
    "diana_breaker_call_duration_seconds",
    (name) =>
      new Histogram({
        name,
        help: "Duration of calls admitted by breakers.",
        labelNames: ["breaker"],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
  );
  const subs: Disposable[] = [];
  const bind = (name: string) => {
    const breaker = set.get(name)!;
    state.set({ breaker: name }, BREAKER_STATE_VALUE[breaker.status]);
    subs.push(
      breaker.onStateChange((t) => {
        state.set({ breaker: name }, BREAKER_STATE_VALUE[t.to]);
        transitions.inc({ breaker: name, from: t.from, to: t.to });
      }),
      breaker.onCall((c) => {
        const outcome =
          c.slow && (c.outcome === "success" || c.outcome === "failure") ? `slow_${c.outcome}` : c.outcome;
        calls.inc({ breaker: name, outcome });
        duration.observe({ breaker: name }, c.durationMs / 1_000);
      }),
      breaker.onReject((r) =>
        calls.inc({ breaker: name, outcome: r.dryRun ? "rejected_dry_run" : "rejected" }),
      ),
    );
  };
  for (const entry of set.entriesList()) bind(entry.name);
  subs.push(set.onAdd((entry) => bind(entry.name)));
  return {
    dispose: () => {
      for (const s of subs) s.dispose();
    },
  };
}

function metric<T>(registry: Registry, name: string, create: (name: string) => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create(name);
}
