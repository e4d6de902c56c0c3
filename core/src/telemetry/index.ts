export { BREAKER_STATE_VALUE, bindBreakerMetrics } from "./breaker-metrics";
export { httpServerTracing } from "./http-server";
export { traceBus } from "./traced-bus";
export {
  createTracing,
  formatTraceparent,
  parseTraceparent,
  type TracedEvent,
  type Tracing,
  type TracingOptions,
} from "./tracing";
