// Mirrors the services' wire types (services/registry/src/contract.ts: `Instance`, `ServiceSummary`,
// `HistoryEntry`; core/src/service/ops-breakers.ts: the breaker view). Declared here rather than
// imported: those modules pull the whole service kit into the console's type check.

export type InstanceStatus = "passing" | "critical" | "left";

export interface Instance {
  id: string;
  service: string;
  url: string;
  version: string;
  infra: "embedded" | "real";
  startedAt: string;
  ttlMs: number;
  tags?: string[];
  configVersion?: number | null;
  status: InstanceStatus;
  registeredAt: string;
  lastHeartbeat: string;
  /** Taken out of rotation by an operator, with why and when. */
  drained: { reason: string; at: string } | null;
  /** The registry's last active check of `/health/ready`. */
  check: {
    status: "passing" | "critical";
    /** What the last check saw. */
    detail: string;
    /** While critical: a failing check's detail, or missed heartbeats (newer registries). */
    cause?: string;
    at: string;
  } | null;
  /** Kept passing by mass-eviction protection although its TTL ran out. */
  protected: boolean;
  /** Passing and not drained: clients may route to it. */
  routable: boolean;
}

/** Mass-eviction protection: engaged while it keeps instances whose TTL ran out. */
export interface EvictionGuard {
  engaged: boolean;
  held: string[];
}

export interface Fleet {
  instances: Instance[];
  guard: EvictionGuard;
}

export interface HistoryEntry {
  instanceId: string;
  service: string;
  /** registered, passing, critical, drained, enabled or left. */
  status: string;
  reason: string;
  detail?: Record<string, unknown> | null;
  at: string;
}

export interface ServiceSummary {
  name: string;
  /** Healthy while at least one instance is routable. */
  status: "healthy" | "unhealthy";
  instances: number;
  passing: number;
  /** Passing and not drained. */
  routable: number;
  drained: number;
  versions: string[];
  /** Start time of the oldest passing instance. */
  upSince: string | null;
  lastHeartbeat: string | null;
}

export type BreakerState = "closed" | "open" | "half-open" | "forced-open" | "disabled";
export type BreakerMode = "normal" | "forced-open" | "disabled" | "metrics-only";
export type BreakerAction = "reset" | "force-open" | "disable" | "metrics-only";

/** Why a breaker changed state (core/src/resilience/circuit-breaker.ts `TransitionReason`). */
export type TransitionReason =
  | { kind: "failure-rate"; rate: number; threshold: number; calls: number }
  | { kind: "slow-call-rate"; rate: number; threshold: number; calls: number }
  | { kind: "wait-elapsed"; openMs: number }
  | { kind: "probes-passed"; probes: number }
  | { kind: "half-open-timeout"; halfOpenMaxMs: number }
  | { kind: "manual"; action: BreakerAction }
  | { kind: "restored" };

export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  at: string;
  reason: TransitionReason;
}

export interface Breaker {
  name: string;
  /** The dependency behind the breaker, e.g. a service name. */
  upstream: string | null;
  state: BreakerState;
  mode: BreakerMode;
  window: { calls: number; failures: number; slow: number; failureRate: number; slowRate: number };
  config: Record<string, unknown>;
  /** Oldest first. */
  transitions: BreakerTransition[];
}

/** A breaker together with the service whose process holds it. */
export interface OwnedBreaker extends Breaker {
  service: string;
}

// core/src/service/ops-bus.ts and ops-outbox.ts: a service's queues, dead letters and outbox.

export interface BusQueue {
  consumer: string;
  depth: number;
  /** Consumers attached to the queue, every instance's. */
  consumers: number;
  dlqDepth: number;
  retryDepths: Array<{ delayMs: number; depth: number }>;
  stats?: { succeeded: number; failed: number; redelivered: number };
  /** This instance's, per second over `BusView.rates.windowSeconds`. */
  rates: { consumedPerSecond: number; failedPerSecond: number };
}

export interface BusView {
  kind: "rabbitmq" | "in-process";
  rates: { windowSeconds: number; publishedPerSecond: number };
  queues: BusQueue[];
}

export interface DeadLetter {
  id: string;
  consumer: string;
  /** The queue a replay sends it back to. */
  origin: string;
  reason: string;
  attempts: Array<{ attempt: number; at: string; error: string; code?: string }>;
  deadAt: string;
  event: Record<string, unknown> | null;
  raw?: string;
}

export interface DeadOutboxRow {
  id: string;
  type: string;
  aggregateId: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

export interface OutboxView {
  pending: number;
  oldestPendingAgeSeconds: number;
  dead: number;
  relayLagMs: number | null;
  lastPublishAt: string | null;
  /** quiet: the relay is busy and producers leave out NOTIFY; notifying; off: no gate (PGlite). */
  notifyGate: "quiet" | "notifying" | "off";
  published: number;
  failed: number;
  unroutable: number;
  deadRows: DeadOutboxRow[];
}

// services/config/src/contract.ts and routes: namespaces, releases, diffs and the fleet's acks.

export interface NamespaceSummary {
  name: string;
  version: number | null;
  schemaUpdatedAt: string;
}

export interface Release {
  namespace: string;
  version: number;
  content: Record<string, unknown>;
  hash: string;
  author: string;
  message: string;
  rollbackOf: number | null;
  createdAt: string;
}

export interface Change {
  op: "add" | "remove" | "replace";
  /** JSON Pointer. */
  path: string;
  value?: unknown;
  from?: unknown;
}

export interface ConfigDiff {
  from: number;
  to: number;
  changes: Change[];
}

export interface ReleasePreview {
  baseVersion: number | null;
  /** Empty when a publish would be accepted. */
  errors: Array<{ pointer: string; detail: string }>;
  changes: Change[];
}

export interface InstanceAck {
  instanceId: string;
  version: number;
  status: "applied" | "rejected";
  reason: string | null;
  runningVersion: number | null;
  at: string;
  lagging: boolean;
}

export interface NamespaceInstances {
  namespace: string;
  current: number | null;
  instances: InstanceAck[];
}

/** One fleet event in the monitor's journal (services/monitor/src/contract.ts: `JournalEntrySchema`). */
export interface JournalEntry {
  id: string;
  type: string;
  subject: string | null;
  source: string;
  data: unknown;
  occurredAt: string;
  receivedAt: string;
}
