export { type Backoff, constantBackoff, type DecorrelatedJitterOptions, decorrelatedJitter } from "./backoff";
export { type BreakerEntry, type BreakerMeta, BreakerSet, type BreakerView } from "./breaker-set";
export { type BulkheadOptions, BulkheadPolicy, bulkhead } from "./bulkhead";
export {
  type BreakerSnapshot,
  type BreakerStatus,
  type CallEvent,
  CircuitBreaker,
  type CircuitState,
  circuitBreaker,
  type ManualAction,
  type RejectEvent,
  type Transition,
  type TransitionReason,
} from "./circuit-breaker";
export type { BreakerConfig, BreakerMode, CircuitBreakerOptions } from "./circuit-breaker-options";
export { type Clock, sleep, systemClock, type TimerHandle } from "./clock";
export { CountWindow } from "./count-window";
export {
  BrokenCircuitError,
  BulkheadRejectedError,
  isRetryable,
  type RejectionReason,
  ResilienceError,
  RetryBudgetExceededError,
  retryAfterOf,
  TimeoutError,
} from "./errors";
export { type Disposable, type Event, EventEmitter } from "./events";
export { FakeClock, flush } from "./fake-clock";
export { neverSignal, noop, type Policy, type PolicyContext, toContext, wrap } from "./policy";
export { type RetryEvent, type RetryOptions, RetryPolicy, retry } from "./retry";
export { TimeWindow } from "./time-window";
export { type TimeoutMode, type TimeoutOptions, TimeoutPolicy, timeout } from "./timeout";
export { Outcome, type WindowDump, type WindowOptions, type WindowStats } from "./window";
