import type { UserTokenOptions } from "@diana/core/auth";
import { busOn, openBusTransport } from "@diana/core/bus";
import type { ServiceEnv } from "@diana/core/config";
import { connectKv } from "@diana/core/kv";
import type { Logger } from "@diana/core/log";
import { createRegistryClient } from "@diana/core/registry";
import type { ServiceInfo } from "@diana/core/service";
import { createTracing } from "@diana/core/telemetry";
import { connect, type ServiceName } from "@diana/db";
import { catalogue, type Entry, suiteEvents } from "./catalogue";

export interface LaunchOptions {
  env: ServiceEnv;
  logger: Logger;
  /** Added to every service's default port. */
  portOffset: number;
  /** Services to start, in catalogue order. Defaults to all eleven. */
  names?: readonly string[];
  consoleDir?: string;
  /** The registry every service registers with. Defaults to the suite's own registry. */
  registryUrl?: string;
  /**
   * The first admin's password (`DIANA_ADMIN_PASSWORD`). Without it a gateway that finds no admin
   * generates one and prints it once.
   */
  adminPassword?: string;
  /** Called as each service becomes ready, with the milliseconds since launch. */
  onReady?: (info: ServiceInfo, ms: number) => void;
}

export interface RunningSuite {
  services: ServiceInfo[];
  /** Milliseconds from launch until every service was ready. */
  startupMs: number;
  infra: "embedded" | "real";
  stop(reason?: string): Promise<void>;
}

/**
 * Starts the chosen services in this process on one shared database handle and key-value store:
 * all listen at once, each registers once ready, and the promise resolves when every one is ready.
 */
export async function launchSuite(options: LaunchOptions): Promise<RunningSuite> {
  const started = performance.now();
  const { env, logger, portOffset } = options;
  const entries: Entry[] = catalogue.filter((e) => !options.names || options.names.includes(e.meta.name));
  const infra = env.DATABASE_URL || env.REDIS_URL || env.AMQP_URL ? "real" : "embedded";
  const database = await connect({ url: env.DATABASE_URL, dataDir: env.DIANA_DATA_DIR });
  const kv = connectKv({ url: env.REDIS_URL, keyPrefix: env.DIANA_KV_PREFIX });
  const transport = openBusTransport({ url: env.AMQP_URL, name: "diana-suite" });
  const closeShared = () => Promise.all([database.close(), kv.close(), transport.close()]);
  try {
    await Promise.all(entries.map((e) => database.migrate(e.meta.name as ServiceName)));
  } catch (e) {
    await closeShared();
    throw e;
  }

  const registryUrl = options.registryUrl ?? `http://127.0.0.1:${8021 + portOffset}`;
  const registry = createRegistryClient({ url: registryUrl, token: env.SERVICE_TOKEN });
  const buses = new Map(
    entries.map((e) => [
      e.meta.name,
      busOn(transport, { catalog: suiteEvents, source: `/services/${e.meta.name}` }),
    ]),
  );
  // Every service checks tokens and roles: with the gateway's keys when it runs here, else its JWKS.
  let gatewayKeys: ReturnType<Entry["create"]>["jwks"];
  const issuer = env.AUTH_ISSUER;
  const audience = env.AUTH_AUDIENCE;
  const auth: UserTokenOptions = entries.some((e) => e.meta.name === "gateway")
    ? { keys: () => gatewayKeys?.() ?? { keys: [] }, issuer, audience }
    : { jwksUrl: env.AUTH_JWKS_URL, issuer, audience };
  const running = entries.map((e) =>
    e.create({
      infra,
      logger,
      port: e.meta.defaultPort + portOffset,
      host: env.HOST,
      publicHost: env.PUBLIC_HOST,
      serviceToken: env.SERVICE_TOKEN,
      auth,
      identity: { adminPassword: options.adminPassword, issuer, audience },
      registry,
      heartbeatIntervalMs: env.HEARTBEAT_INTERVAL_MS,
      instanceTtlMs: env.INSTANCE_TTL_MS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      configUrl: `http://127.0.0.1:${8020 + portOffset}`,
      dataDir: env.DIANA_DATA_DIR,
      tracing: (service: string) => createTracing({ service, exporterUrl: env.OTEL_EXPORTER_OTLP_ENDPOINT }),
      checks: { database: () => database.ping(), kv: () => kv.ping(), bus: () => transport.ping() },
      bus: buses.get(e.meta.name),
      kv,
      database,
      consoleDir: options.consoleDir,
    }),
  );
  gatewayKeys = running.find((s) => s.jwks)?.jwks;

  const stop = async (reason = "shutdown") => {
    // Gateway first (no new traffic), registry last (the others deregister from it).
    for (const s of [...running].reverse()) await s.stop(reason);
    await Promise.all([...buses.values()].map((b) => b.close()));
    await closeShared();
  };

  try {
    for (const s of running) await s.start();
    await Promise.all(
      running.map((s) => s.ready.then(() => options.onReady?.(s.info, performance.now() - started))),
    );
  } catch (e) {
    await stop("start-up failed");
    throw e;
  }
  return { services: running.map((s) => s.info), startupMs: performance.now() - started, infra, stop };
}
