import { ADMIN_USER, gatewayUrl, readRunState } from "./run-env";

const cached = new Map<string, { token: string; until: number }>();

/**
 * An access token for this run's admin, from the gateway's login route (as the CLI would get one);
 * reused for a minute so polling does not run into the login rate limit.
 */
export async function adminToken(): Promise<string> {
  const password = readRunState().adminPassword;
  const hit = cached.get(password);
  if (hit && Date.now() < hit.until) return hit.token;
  const res = await fetch(`${gatewayUrl}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: ADMIN_USER, password, session: "token" }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`POST /auth/login answered ${res.status}: ${await res.text()}`);
  const token = ((await res.json()) as { accessToken: string }).accessToken;
  cached.set(password, { token, until: Date.now() + 60_000 });
  return token;
}

/**
 * Whether the registry lets a signed-in operator drain and enable: asks it to enable an instance that
 * does not exist, which changes nothing (404 when the token is accepted, 401/403 when it is not).
 */
export async function registryAcceptsOperators(): Promise<{ ok: boolean; status: number }> {
  const res = await fetch(`${gatewayUrl}/api/registry/instances/e2e-no-such-instance/enable`, {
    method: "POST",
    headers: { authorization: `Bearer ${await adminToken()}` },
    signal: AbortSignal.timeout(5_000),
  });
  return { ok: res.status !== 401 && res.status !== 403, status: res.status };
}
