import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

/**
 * Where user-token verification keys come from: the gateway's JWKS over HTTP (fetched once, cached,
 * refetched at most every `cooldownMs` when an unknown `kid` shows up), or — in one process — a
 * function returning the current key set.
 */
export type KeySource =
  | {
      jwksUrl: string;
      /** How long a fetched set is trusted before it is refetched. Defaults to 10 min. */
      cacheMaxAgeMs?: number;
      /** Least time between two fetches, so unknown kids cannot hammer the gateway. Defaults to 30 s. */
      cooldownMs?: number;
      /** Per-fetch timeout. Defaults to 2 s. */
      timeoutMs?: number;
    }
  | { keys: () => JSONWebKeySet | Promise<JSONWebKeySet> };

/** A jose key resolver for {@link KeySource}. */
export function keyResolver(source: KeySource): JWTVerifyGetKey {
  if ("jwksUrl" in source) {
    return createRemoteJWKSet(new URL(source.jwksUrl), {
      cacheMaxAge: source.cacheMaxAgeMs ?? 600_000,
      cooldownDuration: source.cooldownMs ?? 30_000,
      timeoutDuration: source.timeoutMs ?? 2_000,
    });
  }
  let last: { set: JSONWebKeySet; resolve: JWTVerifyGetKey } | undefined;
  return async (header, token) => {
    const set = await source.keys();
    if (last?.set !== set) last = { set, resolve: createLocalJWKSet(set) };
    return last.resolve(header, token);
  };
}
