/**
 * Health of an instance. `passing`: heartbeats arrive within the TTL and active checks pass.
 * `critical`: the TTL ran out, or active checks failed past the anti-flap threshold.
 * `left`: the instance deregistered on shutdown.
 */
export type InstanceStatus = "passing" | "critical" | "left";

/** What an instance tells the registry about itself. */
export interface InstanceRegistration {
  id: string;
  service: string;
  url: string;
  version: string;
  infra: "embedded" | "real";
  startedAt: string;
  /** How long the registry waits for the next heartbeat. */
  ttlMs: number;
  tags?: string[];
  /** The config release the instance runs, when it uses the config service. */
  configVersion?: number | null;
}

/** An operator took the instance out of rotation: it stays listed, clients stop routing to it. */
export interface Drain {
  reason: string;
  at: string;
}

/** The last active check of `/health/ready`, after anti-flap thresholds. */
export interface CheckView {
  status: "passing" | "critical";
  /** What the last check saw. */
  detail: string;
  /** While critical: what made it so (a failing check's detail, or missed heartbeats). */
  cause?: string;
  at: string;
}

/** An instance as the registry reports it. */
export interface InstanceRecord extends InstanceRegistration {
  status: InstanceStatus;
  registeredAt: string;
  lastHeartbeat: string;
  drained: Drain | null;
  check: CheckView | null;
  /** Kept passing by mass-eviction protection although its TTL ran out. */
  protected: boolean;
  /** Passing and not drained: clients may send it traffic. */
  routable: boolean;
}

/** Resolves a service name to instances that may take traffic. */
export interface Discovery {
  resolve(service: string): Promise<Array<{ id: string; url: string }>>;
}
