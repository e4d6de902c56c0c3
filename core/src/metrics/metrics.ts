import { collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** Every Diana metric starts with this. */
export const METRIC_PREFIX = "diana_";

/** A service's Prometheus registry and the metrics the service kit records itself. */
export interface ServiceMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<"route" | "method" | "status">;
  /** The exposition text for `/metrics`. */
  render(): Promise<string>;
}

export interface MetricsOptions {
  service: string;
  /** Process metrics (CPU, memory, event loop lag). Defaults to true. */
  processMetrics?: boolean;
}

/**
 * Creates one registry per service: every metric is prefixed `diana_` and carries a `service` label.
 *
 * @example
 * const metrics = createMetrics({ service: "trading" });
 * new Counter({ name: `${METRIC_PREFIX}orders_total`, help: "…", registers: [metrics.registry] });
 */
export function createMetrics(options: MetricsOptions): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const httpDuration = new Histogram({
    name: `${METRIC_PREFIX}http_server_request_duration_seconds`,
    help: "Duration of HTTP requests served, by route template, method and status.",
    labelNames: ["route", "method", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, httpDuration, render: () => registry.metrics() };
}
