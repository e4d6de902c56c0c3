import { apiPost } from "./client";
import type { Breaker, BreakerAction, Instance, Release, ReleasePreview } from "./types";

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

const svc = (service: string) => `/api/${encodeURIComponent(service)}`;
const ns = (name: string) => `/api/config/namespaces/${encodeURIComponent(name)}`;

/** Sends dead letters of one consumer (all, or by id) back to the queue they died in; rate-limited (429). */
export const replayDeadLetters = ({
  service,
  consumer,
  ids,
}: {
  service: string;
  consumer: string;
  ids?: string[];
}) =>
  apiPost<{ consumer: string; replayed: number }>(`${svc(service)}/ops/bus/dlq/replay`, {
    consumer,
    ...(ids ? { ids } : {}),
  });

/** Deletes every dead letter of one consumer. */
export const purgeDeadLetters = ({ service, consumer }: { service: string; consumer: string }) =>
  apiPost<{ consumer: string; purged: number }>(`${svc(service)}/ops/bus/dlq/purge`, { consumer });

/** Puts dead outbox rows (all, or by id) back to pending. */
export const requeueOutbox = ({ service, ids }: { service: string; ids?: string[] }) =>
  apiPost<{ requeued: number }>(`${svc(service)}/ops/outbox/requeue`, ids ? { ids } : { all: true });

/** What publishing `content` would change, and every schema error; writes nothing. */
export const previewRelease = ({
  namespace,
  content,
}: {
  namespace: string;
  content: Record<string, unknown>;
}) => apiPost<ReleasePreview>(`${ns(namespace)}/releases/preview`, { content });

/** Publishes a release; a 422 lists every schema error in `problem.errors`. */
export const publishRelease = ({
  namespace,
  content,
  message,
}: {
  namespace: string;
  content: Record<string, unknown>;
  message: string;
}) => apiPost<Release>(`${ns(namespace)}/releases`, { content, message });

/** Publishes a new release with an older version's content. */
export const rollbackRelease = ({
  namespace,
  version,
  message,
}: {
  namespace: string;
  version: number;
  message: string;
}) => apiPost<Release>(`${ns(namespace)}/rollback`, { version, message });
