import { adminToken } from "./auth";
import { pollUntil } from "./poll";
import type { ProcessGroup } from "./process-group";
import { gatewayUrl } from "./run-env";

export interface ServiceSummary {
  name: string;
  status: "healthy" | "unhealthy";
  instances: number;
  passing: number;
}

/** The registry's service list, read through the gateway as the console reads it (signed in as the admin). */
export async function fetchServices(signal?: AbortSignal): Promise<ServiceSummary[]> {
  const res = await fetch(`${gatewayUrl}/api/registry/services`, {
    headers: { authorization: `Bearer ${await adminToken()}` },
    signal: signal ?? AbortSignal.timeout(2_000),
  });
  if (!res.ok) throw new Error(`GET /api/registry/services answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { services: ServiceSummary[] }).services;
}

/** "binance healthy, kucoin unhealthy (0/1), …" for failure messages. */
export function describeServices(services: ServiceSummary[]): string {
  return (
    services.map((s) => `${s.name} ${s.status} (${s.passing}/${s.instances})`).join(", ") || "no services"
  );
}

/** Whether exactly `names` are listed, each healthy. */
export function allHealthy(services: ServiceSummary[], names: readonly string[]): boolean {
  const healthy = new Set(services.filter((s) => s.status === "healthy").map((s) => s.name));
  return names.every((n) => healthy.has(n)) && services.length === names.length;
}

/** Polls the gateway until exactly `names` are listed and healthy; gives up at once if `proc` exits. */
export async function waitForHealthy(
  names: readonly string[],
  proc: ProcessGroup,
  timeoutMs = 30_000,
): Promise<void> {
  let last: ServiceSummary[] = [];
  await pollUntil(
    `${names.length} healthy services at the gateway`,
    async () => {
      last = await fetchServices();
      return allHealthy(last, names) ? true : undefined;
    },
    {
      timeoutMs,
      lastSeen: () => describeServices(last),
      giveUpIf: () => (proc.running() ? undefined : `${proc.name} exited:\n${proc.tail()}`),
    },
  );
}
