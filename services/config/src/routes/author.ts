import type { Principal } from "@diana/core/auth";

/** The route context the service kit adds: who presented the verified token. */
export type WithPrincipal = { principal?: Principal };

/**
 * Who made a change, as releases and the audit record it: the signed-in user's name, or
 * `service:<name>` for a service token. Never taken from the request body. `anonymous` only when the
 * kit checks no tokens (in-process tests without `auth`).
 */
export function authorOf(context: unknown): string {
  const principal = (context as WithPrincipal).principal;
  if (!principal) return "anonymous";
  return principal.kind === "user" ? principal.name : `service:${principal.name}`;
}
