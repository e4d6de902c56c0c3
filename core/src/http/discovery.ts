/** One routable instance of a service. */
export interface Instance {
  id: string;
  /** Base URL, e.g. `http://10.0.0.7:8000`. */
  url: string;
}

/**
 * Resolves a service name to its routable instances. The registry client implements it with a
 * cached, watched view; the HTTP client calls it on every attempt, so it must be cheap.
 */
export interface Discovery {
  resolve(service: string): Promise<Instance[]>;
}

/**
 * A fixed discovery, for tests and single-machine setups.
 *
 * @example
 * staticDiscovery({ trading: ["http://127.0.0.1:8000"] });
 */
export function staticDiscovery(services: Record<string, string[]>): Discovery {
  const table = new Map(
    Object.entries(services).map(([name, urls]) => [
      name,
      urls.map((url, i) => ({ id: `${name}-${i}`, url })),
    ]),
  );
  return { resolve: async (service) => table.get(service) ?? [] };
}
