/** When to stop evicting: a registry-side partition looks like most instances missing at once. */
export interface EvictionGuardOptions {
  /** Share of listed instances that may turn critical for missed heartbeats in one round. Defaults to 0.5. */
  maxShare: number;
  /** Below this many live instances the guard never engages. Defaults to 3. */
  minInstances: number;
  /**
   * How long past its TTL an instance may be held. A partition that lasts longer is an outage: the
   * instances are evicted after all (and the alert stays raised while the guard holds). Defaults to 60 s.
   */
  maxHoldMs: number;
}

export interface EvictionDecision {
  /** Ids to keep passing although their TTL ran out. */
  hold: string[];
  /** True when the guard engaged this round. */
  engaged: boolean;
}

/**
 * Decides whether the instances whose TTL just ran out may be evicted. When more than `maxShare` of
 * the live instances would go at once, the registry is more likely cut off than they are dead, so it
 * keeps them (Eureka's self-preservation) and the caller raises an alert.
 *
 * @param live instances passing before this round (not left)
 * @param expiring ids among them whose TTL ran out this round
 */
export function decideEviction(
  live: number,
  expiring: readonly string[],
  options: EvictionGuardOptions,
): EvictionDecision {
  if (expiring.length === 0 || live < options.minInstances) return { hold: [], engaged: false };
  if (expiring.length / live > options.maxShare) return { hold: [...expiring], engaged: true };
  return { hold: [], engaged: false };
}
