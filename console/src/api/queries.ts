import { queryOptions } from "@tanstack/react-query";
import { apiGet } from "./client";
import type { Instance, ServiceSummary } from "./types";

/** How often fleet views poll the gateway. */
export const POLL_MS = 2_000;

export const servicesQuery = queryOptions({
  queryKey: ["registry", "services"],
  queryFn: ({ signal }) => apiGet<{ services: ServiceSummary[] }>("/api/registry/services", signal),
  select: (body) => body.services,
  refetchInterval: POLL_MS,
});

export const instancesQuery = queryOptions({
  queryKey: ["registry", "instances"],
  queryFn: ({ signal }) => apiGet<{ instances: Instance[] }>("/api/registry/instances", signal),
  select: (body) => body.instances,
  refetchInterval: POLL_MS,
});
