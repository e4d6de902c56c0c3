import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { OutboxOps, OutboxStats } from "./types";

/**
 * Prometheus metrics of a service's outbox, read at scrape time (one stats query per scrape) and from
 * the relay's events:
 * - `diana_outbox_backlog`, `diana_outbox_oldest_age_seconds`, `diana_outbox_dead` gauges;
 * - `diana_outbox_relay_lag_seconds` (insert → confirm of the newest publish);
 * - `diana_outbox_publish_duration_seconds` histogram, `diana_outbox_published_total`;
 * - `diana_outbox_publish_failures_total{code}` (`UNROUTABLE_EVENT`, `PUBLISH_NOT_CONFIRMED`, …) and
 *   `diana_outbox_dead_lettered_total`;
 * - `diana_outbox_round_duration_seconds` and `diana_outbox_round_rows` histograms: each relay round,
 *   claim to commit, and the rows it claimed. Rounds that grow longer while claiming no more rows are
 *   the relay waiting on the broker and its claims costing more (see bench/RESULTS.md).
 * Returns the unsubscribe function.
 *
 * @example
 * bindOutboxMetrics(relay, service.metrics.registry);
 */
export function bindOutboxMetrics(ops: OutboxOps, registry: Registry): () => void {
  let pending: Promise<OutboxStats> | undefined;
  // A scrape collects every gauge at once: they share the one query in flight.
  const stats = () => {
    pending ??= ops.stats().finally(() => {
      pending = undefined;
    });
    return pending;
  };
  const gauge = (name: string, help: string, read: (s: OutboxStats) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        try {
          const value = read(await stats());
          if (value !== null) this.set(value);
        } catch {
          // An unreachable database shows as a stale gauge; readiness reports the database itself.
        }
      },
    });
  gauge("diana_outbox_backlog", "Pending outbox rows (all relays of the service).", (s) => s.pending);
  gauge(
    "diana_outbox_oldest_age_seconds",
    "Age of the oldest pending outbox row.",
    (s) => s.oldestPendingAgeSeconds,
  );
  gauge("diana_outbox_dead", "Outbox rows given up on after the last attempt.", (s) => s.dead);
  gauge("diana_outbox_relay_lag_seconds", "Insert → broker confirm of the newest published event.", (s) =>
    s.relayLagMs === null ? null : s.relayLagMs / 1000,
  );
  const duration = new Histogram({
    name: "diana_outbox_publish_duration_seconds",
    help: "Relay publish → broker confirm, per event.",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const published = new Counter({
    name: "diana_outbox_published_total",
    help: "Events the relay published and the broker confirmed.",
    registers: [registry],
  });
  const failures = new Counter({
    name: "diana_outbox_publish_failures_total",
    help: "Failed relay publishes, by error code.",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: "diana_outbox_dead_lettered_total",
    help: "Outbox rows that turned dead.",
    registers: [registry],
  });
  const roundDuration = new Histogram({
    name: "diana_outbox_round_duration_seconds",
    help: "Relay round, claim → publish → mark → commit.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const roundRows = new Histogram({
    name: "diana_outbox_round_rows",
    help: "Rows a relay round claimed.",
    buckets: [1, 10, 50, 100, 250, 500, 1000],
    registers: [registry],
  });
  return ops.onEvent((event) => {
    if (event.type === "batch") {
      roundDuration.observe(event.durationMs / 1000);
      roundRows.observe(event.claimed);
    } else if (event.type === "published") {
      duration.observe(event.durationMs / 1000);
      published.inc();
    } else if (event.type === "publish-failed") {
      failures.inc({ code: event.code ?? "ERROR" });
      if (event.dead) deadLettered.inc();
    }
  });
}
