import type { Instance } from "./discovery";

/**
 * - `round-robin`: each instance in turn.
 * - `least-outstanding`: the instance with the fewest requests in flight from this client; ties in turn.
 */
export type BalancerKind = "round-robin" | "least-outstanding";

export interface Balancer {
  pick(service: string, instances: Instance[]): Instance;
  acquire(instance: Instance): void;
  release(instance: Instance): void;
}

/**
 * Client-side balancing over the instances discovery returned.
 *
 * @example
 * const b = createBalancer("least-outstanding");
 * const target = b.pick("trading", instances);
 */
export function createBalancer(kind: BalancerKind): Balancer {
  const turn = new Map<string, number>();
  const outstanding = new Map<string, number>();
  const next = (service: string) => {
    const n = turn.get(service) ?? 0;
    turn.set(service, n + 1);
    return n;
  };
  return {
    pick(service, instances) {
      const start = next(service) % instances.length;
      if (kind === "round-robin") return instances[start]!;
      let best = instances[start]!;
      for (let k = 1; k < instances.length; k++) {
        const candidate = instances[(start + k) % instances.length]!;
        if ((outstanding.get(candidate.id) ?? 0) < (outstanding.get(best.id) ?? 0)) best = candidate;
      }
      return best;
    },
    acquire: (i) => void outstanding.set(i.id, (outstanding.get(i.id) ?? 0) + 1),
    release(i) {
      const n = (outstanding.get(i.id) ?? 1) - 1;
      if (n <= 0) outstanding.delete(i.id);
      else outstanding.set(i.id, n);
    },
  };
}
