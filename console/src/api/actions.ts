import { apiPost } from "./client";
import type { Breaker, BreakerAction, Instance } from "./types";

/** Takes an instance out of rotation; it stays listed. `reason` is 3–500 characters. */
export const drainInstance = ({ id, reason }: { id: string; reason: string }) =>
  apiPost<Instance>(`/api/registry/instances/${encodeURIComponent(id)}/drain`, { reason });

/** Puts a drained instance back into rotation. */
export const enableInstance = (id: string) =>
  apiPost<Instance>(`/api/registry/instances/${encodeURIComponent(id)}/enable`);

/** Resets a breaker, forces it open, disables it or switches it to metrics-only. */
export const actOnBreaker = ({
  service,
  name,
  action,
}: {
  service: string;
  name: string;
  action: BreakerAction;
}) =>
  apiPost<Breaker>(`/api/${encodeURIComponent(service)}/ops/breakers/${encodeURIComponent(name)}/${action}`);

/** Reason limits of the registry's drain route. */
export const DRAIN_REASON = { min: 3, max: 500 } as const;
