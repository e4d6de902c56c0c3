import { silentLogger } from "../log";
import { createRegistryClient } from "../registry";
import type { PlatformDeps } from "../service";

/** A service token for tests, fresh per process. */
export const testServiceToken = `test-${crypto.randomUUID()}${crypto.randomUUID()}`;

/**
 * Platform dependencies for in-process service tests: silent logs, port 0, a fresh service token and
 * a registry client aimed at `registryUrl` (nothing is contacted until the service is started).
 */
export function testPlatformDeps(
  overrides: Partial<PlatformDeps> & { registryUrl?: string } = {},
): Omit<PlatformDeps, "database"> {
  const { registryUrl = "http://127.0.0.1:9", ...rest } = overrides;
  return {
    infra: "embedded",
    logger: silentLogger,
    port: 0,
    host: "127.0.0.1",
    publicHost: "127.0.0.1",
    serviceToken: testServiceToken,
    registry: createRegistryClient({ url: registryUrl, token: testServiceToken }),
    heartbeatIntervalMs: 3_000,
    instanceTtlMs: 10_000,
    shutdownTimeoutMs: 1_000,
    ...rest,
  };
}
