export { createMetrics, METRIC_PREFIX, type MetricsOptions, type ServiceMetrics } from "./metrics";
