/** Picks instances of each service in turn. Counters are per service, so services do not skew each other. */
export function roundRobin() {
  const counters = new Map<string, number>();
  return {
    pick<T>(service: string, instances: readonly T[]): T | undefined {
      if (instances.length === 0) return undefined;
      const n = counters.get(service) ?? 0;
      counters.set(service, (n + 1) % 1_000_000_007);
      return instances[n % instances.length];
    },
  };
}
