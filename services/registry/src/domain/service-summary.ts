import type { InstanceRecord } from "@diana/core/registry";

export interface ServiceSummary {
  name: string;
  status: "healthy" | "unhealthy";
  instances: number;
  passing: number;
  routable: number;
  drained: number;
  versions: string[];
  /** Start time of the oldest passing instance. */
  upSince: string | null;
  lastHeartbeat: string | null;
}

/** Groups instances by service: healthy while at least one instance is routable (passing, not drained). */
export function summarise(instances: readonly InstanceRecord[]): ServiceSummary[] {
  const byService = new Map<string, InstanceRecord[]>();
  for (const i of instances) byService.set(i.service, [...(byService.get(i.service) ?? []), i]);
  return [...byService]
    .map(([name, list]) => {
      const passing = list.filter((i) => i.status === "passing");
      return {
        name,
        status: list.some((i) => i.routable) ? ("healthy" as const) : ("unhealthy" as const),
        instances: list.length,
        passing: passing.length,
        routable: list.filter((i) => i.routable).length,
        drained: list.filter((i) => i.drained && i.status !== "left").length,
        versions: [...new Set(list.map((i) => i.version))].sort(),
        // ISO-8601 UTC strings sort in time order.
        upSince: passing.map((i) => i.startedAt).sort()[0] ?? null,
        lastHeartbeat:
          list
            .map((i) => i.lastHeartbeat)
            .sort()
            .at(-1) ?? null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
