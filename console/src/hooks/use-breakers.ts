import { useQueries } from "@tanstack/react-query";
import { breakersQuery } from "../api/queries";
import type { OwnedBreaker } from "../api/types";

export interface ServiceBreakers {
  service: string;
  breakers: OwnedBreaker[] | undefined;
  error: Error | null;
  dataUpdatedAt: number;
}

/** Every breaker of each named service, one polled query per service. */
export function useBreakers(services: readonly string[]): ServiceBreakers[] {
  return useQueries({
    queries: services.map((service) => breakersQuery(service)),
    combine: (results) =>
      results.map((r, i) => {
        const service = services[i]!;
        return {
          service,
          breakers: r.data?.map((b) => ({ ...b, service })),
          error: r.error,
          dataUpdatedAt: r.dataUpdatedAt,
        };
      }),
  });
}
