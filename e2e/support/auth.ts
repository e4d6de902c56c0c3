import { ADMIN_USER, gatewayUrl, readRunState } from "./run-env";

/** An access token for this run's admin, from the gateway's login route (as the CLI would get one). */
export async function adminToken(): Promise<string> {
  const res = await fetch(`${gatewayUrl}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: ADMIN_USER, password: readRunState().adminPassword, session: "token" }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`POST /auth/login answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
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
