import { useQueries } from "@tanstack/react-query";
import { busQuery, outboxQuery } from "../api/queries";
import type { BusView, OutboxView } from "../api/types";

export interface ServiceMessaging {
  service: string;
  bus: BusView | undefined;
  busError: Error | null;
  outbox: OutboxView | undefined;
  outboxError: Error | null;
  dataUpdatedAt: number;
}

/** Each named service's queues and outbox, two polled queries per service. */
export function useMessaging(services: readonly string[]): ServiceMessaging[] {
  return useQueries({
    queries: services.flatMap((service) => [busQuery(service), outboxQuery(service)]),
    combine: (results) =>
      services.map((service, i) => {
        const bus = results[2 * i];
        const outbox = results[2 * i + 1];
        return {
          service,
          bus: bus?.data as BusView | undefined,
          busError: bus?.error ?? null,
          outbox: outbox?.data as OutboxView | undefined,
          outboxError: outbox?.error ?? null,
          dataUpdatedAt: Math.min(bus?.dataUpdatedAt ?? 0, outbox?.dataUpdatedAt ?? 0),
        };
      }),
  });
}
