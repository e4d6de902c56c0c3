import { queryOptions } from "@tanstack/react-query";
import { apiGet } from "./client";
import type {
  Breaker,
  BusView,
  ConfigDiff,
  DeadLetter,
  Fleet,
  HistoryEntry,
  JournalEntry,
  NamespaceInstances,
  NamespaceSummary,
  OutboxView,
  Release,
  ServiceSummary,
} from "./types";

/** How often fleet views poll the gateway. */
export const POLL_MS = 2_000;

export const servicesQuery = queryOptions({
  queryKey: ["registry", "services"],
  queryFn: ({ signal }) => apiGet<{ services: ServiceSummary[] }>("/api/registry/services", signal),
  select: (body) => body.services,
  refetchInterval: POLL_MS,
});

/** Every listed instance and the mass-eviction guard's verdict. */
export const instancesQuery = queryOptions({
  queryKey: ["registry", "instances"],
  queryFn: ({ signal }) => apiGet<Fleet>("/api/registry/instances", signal),
  refetchInterval: POLL_MS,
});

/** Status changes of one instance with their reasons, newest first. */
export const instanceHistoryQuery = (id: string, limit = 50) =>
  queryOptions({
    queryKey: ["registry", "instances", id, "history", limit],
    queryFn: ({ signal }) =>
      apiGet<{ history: HistoryEntry[] }>(
        `/api/registry/instances/${encodeURIComponent(id)}/history?limit=${limit}`,
        signal,
      ),
    select: (body) => body.history,
    refetchInterval: POLL_MS,
  });

/** The breakers one service's process holds, read through the gateway. */
export const breakersQuery = (service: string) =>
  queryOptions({
    queryKey: ["breakers", service],
    queryFn: ({ signal }) =>
      apiGet<{ breakers: Breaker[] }>(`/api/${encodeURIComponent(service)}/ops/breakers`, signal),
    select: (body) => body.breakers,
    refetchInterval: POLL_MS,
  });

const svc = (service: string) => `/api/${encodeURIComponent(service)}`;
const ns = (name: string) => `/api/config/namespaces/${encodeURIComponent(name)}`;

/** One service's queues: depth, DLQ depth and retry-stage depths per consumer. */
export const busQuery = (service: string) =>
  queryOptions({
    queryKey: ["messaging", service, "bus"],
    queryFn: ({ signal }) => apiGet<BusView>(`${svc(service)}/ops/bus`, signal),
    refetchInterval: POLL_MS,
  });

/** One service's outbox: backlog, oldest pending age, relay lag and the newest dead rows. */
export const outboxQuery = (service: string) =>
  queryOptions({
    queryKey: ["messaging", service, "outbox"],
    queryFn: ({ signal }) => apiGet<OutboxView>(`${svc(service)}/ops/outbox`, signal),
    refetchInterval: POLL_MS,
  });

/** The dead letters of one consumer, with reasons and attempt history (nothing is removed). */
export const dlqQuery = (service: string, consumer: string, limit = 50) =>
  queryOptions({
    queryKey: ["messaging", service, "dlq", consumer, limit],
    queryFn: ({ signal }) =>
      apiGet<{ consumer: string; messages: DeadLetter[] }>(
        `${svc(service)}/ops/bus/dlq?consumer=${encodeURIComponent(consumer)}&limit=${limit}`,
        signal,
      ),
    select: (body) => body.messages,
    refetchInterval: POLL_MS,
  });

/** Every config namespace with its current version. */
export const namespacesQuery = queryOptions({
  queryKey: ["config", "namespaces"],
  queryFn: ({ signal }) => apiGet<{ namespaces: NamespaceSummary[] }>("/api/config/namespaces", signal),
  select: (body) => body.namespaces,
  refetchInterval: POLL_MS,
});

/** A namespace's releases, newest first. */
export const releasesQuery = (name: string, limit = 20) =>
  queryOptions({
    queryKey: ["config", "namespaces", name, "releases", limit],
    queryFn: ({ signal }) => apiGet<{ releases: Release[] }>(`${ns(name)}/releases?limit=${limit}`, signal),
    select: (body) => body.releases,
    refetchInterval: POLL_MS,
  });

/** Which instance runs which version of a namespace, and which lag. */
export const configInstancesQuery = (name: string) =>
  queryOptions({
    queryKey: ["config", "namespaces", name, "instances"],
    queryFn: ({ signal }) => apiGet<NamespaceInstances>(`${ns(name)}/instances`, signal),
    refetchInterval: POLL_MS,
  });

/** The changes from one version to another (versions never change, so no polling). */
export const diffQuery = (name: string, from: number, to: number) =>
  queryOptions({
    queryKey: ["config", "namespaces", name, "diff", from, to],
    queryFn: ({ signal }) => apiGet<ConfigDiff>(`${ns(name)}/diff?from=${from}&to=${to}`, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });

/** The monitor's fleet journal, newest first: the last `limit` events it consumed from the bus. */
export const journalQuery = (limit: number, type?: string) =>
  queryOptions({
    queryKey: ["monitor", "journal", limit, type ?? "all"],
    queryFn: ({ signal }) =>
      apiGet<{ entries: JournalEntry[] }>(
        `/api/monitor/journal?limit=${limit}${type ? `&type=${encodeURIComponent(type)}` : ""}`,
        signal,
      ),
    select: (body) => body.entries,
    refetchInterval: POLL_MS,
    placeholderData: (previous) => previous,
  });
