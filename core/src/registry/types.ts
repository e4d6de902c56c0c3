/**
 * `passing`: heartbeats arrive within the TTL. `critical`: the TTL ran out without one.
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
}

/** An instance as the registry reports it. */
export interface InstanceRecord extends InstanceRegistration {
  status: InstanceStatus;
  registeredAt: string;
  lastHeartbeat: string;
}

/** Resolves a service name to instances that may take traffic. */
export interface Discovery {
  resolve(service: string): Promise<Array<{ id: string; url: string }>>;
}
