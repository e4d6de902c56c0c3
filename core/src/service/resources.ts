import type { Attachment } from "./create-service";
import type { ReadinessCheck } from "./health";

/** A connection a deployable owns: answers a ping, and closes. */
export interface Resource {
  ping(): Promise<unknown>;
  close(): Promise<unknown>;
}

/**
 * Readiness checks and closers for a deployable's connections, ready to spread into the service's
 * dependencies.
 *
 * @example
 * createApp({ ...deps, ...resources({ database: db, kv }) });
 */
export function resources(named: Record<string, Resource>): {
  checks: Record<string, ReadinessCheck>;
  attachments: Attachment[];
} {
  const entries = Object.entries(named);
  return {
    checks: Object.fromEntries(entries.map(([name, r]) => [name, () => r.ping()])),
    attachments: entries.map(([, r]) => ({ onStop: () => r.close() as Promise<void> })),
  };
}
