import { queryOptions } from "@tanstack/react-query";
import { apiGet } from "./client";
import type { Breaker, Fleet, HistoryEntry, ServiceSummary } from "./types";

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
