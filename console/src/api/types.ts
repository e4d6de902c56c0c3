// Mirrors the registry's wire types (services/registry/src/contract.ts: `Instance`, `ServiceSummary`).
// Declared here rather than imported: that contract re-exports the registry's app type, which pulls
// the whole service kit into the console's type check.

export type InstanceStatus = "passing" | "critical" | "left";

export interface Instance {
  id: string;
  service: string;
  url: string;
  version: string;
  infra: "embedded" | "real";
  startedAt: string;
  ttlMs: number;
  status: InstanceStatus;
  registeredAt: string;
  lastHeartbeat: string;
}

export interface ServiceSummary {
  name: string;
  /** Healthy while at least one instance is passing. */
  status: "healthy" | "unhealthy";
  instances: number;
  passing: number;
  versions: string[];
  /** Start time of the oldest passing instance. */
  upSince: string | null;
  lastHeartbeat: string | null;
}
