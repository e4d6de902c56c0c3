import type { ServiceEnv } from "../config";
import { EnvError } from "../config";
import { createLogger, type Logger } from "../log";
import { createRegistryClient } from "../registry";
import { createTracing } from "../telemetry/tracing";
import type { PlatformDeps } from "./platform";

/**
 * Runs a deployable's `main`: an invalid environment prints every bad variable and exits 1; any
 * other start-up failure is logged and exits 1.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (e instanceof EnvError) {
      process.stderr.write(`${e.message}\n`);
    } else {
      createLogger().error("failed to start", { error: e, stack: e instanceof Error ? e.stack : undefined });
    }
    process.exit(1);
  });
}

/** The platform dependencies a deployable derives from its validated environment. */
export function platformDeps(
  env: ServiceEnv,
  port: number,
  logger: Logger = createLogger({ level: env.LOG_LEVEL }),
): PlatformDeps {
  return {
    infra: env.DATABASE_URL || env.REDIS_URL || env.AMQP_URL ? "real" : "embedded",
    logger,
    port,
    host: env.HOST,
    publicHost: env.PUBLIC_HOST,
    serviceToken: env.SERVICE_TOKEN,
    auth: { jwksUrl: env.AUTH_JWKS_URL, issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE },
    registry: createRegistryClient({ url: env.REGISTRY_URL, token: env.SERVICE_TOKEN }),
    heartbeatIntervalMs: env.HEARTBEAT_INTERVAL_MS,
    instanceTtlMs: env.INSTANCE_TTL_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    configUrl: env.CONFIG_URL,
    dataDir: env.DIANA_DATA_DIR,
    tracing: (service) => createTracing({ service, exporterUrl: env.OTEL_EXPORTER_OTLP_ENDPOINT }),
  };
}
