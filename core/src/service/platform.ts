import type { TObject } from "@sinclair/typebox";
import type { UserTokenOptions } from "../auth/verifier";
import { createTokenVerifier } from "../auth/verifier";
import type { AnyEventBus, SubscribeOptions } from "../bus";
import { createInbox } from "../inbox";
import type { Logger } from "../log";
import { createOutbox, createOutboxRelay, type OutboxDatabase } from "../outbox";
import { type RegistryClient, registration } from "../registry";
import { traceBus } from "../telemetry/traced-bus";
import type { Tracing } from "../telemetry/tracing";
import { type AnyEventHandler, consumerAttachment } from "./consumer";
import { type Attachment, createService, type InfraMode, type ServiceOptions } from "./create-service";
import type { ReadinessCheck } from "./health";
import { configOpsRoutes } from "./ops-config";
import { periodicDeletion } from "./periodic";
import { platformConfigClient, serviceConfigSchema } from "./platform-config";

/** How often each service deletes inbox ids past their retention. */
const INBOX_CLEANUP_INTERVAL_MS = 3_600_000;

/** What every Diana service gets from its deployable: identity, infrastructure, registry. */
export interface PlatformDeps {
  infra: InfraMode;
  logger: Logger;
  port: number;
  /** Interface to listen on. */
  host: string;
  /** Host other services use to reach this instance. */
  publicHost: string;
  serviceToken: string;
  /**
   * Where user access tokens' keys come from (the gateway's JWKS URL, or its key set in one process),
   * with their issuer and audience. With it every route checks its role (service tokens count as
   * `viewer`); without it — in-process tests only — no route checks tokens. `platformDeps()` always
   * sets it.
   */
  auth?: UserTokenOptions;
  registry: RegistryClient;
  heartbeatIntervalMs: number;
  instanceTtlMs: number;
  shutdownTimeoutMs: number;
  /** Readiness checks of the deployable's own connections (database, key-value store). */
  checks?: Record<string, ReadinessCheck>;
  /** Closers of the deployable's connections, run last on stop. */
  attachments?: Attachment[];
  /** The deployable's event bus; the service's own queue is named after it. Served at `/ops/bus`. */
  bus?: AnyEventBus;
  /**
   * The service's database. With it and a bus, the service gets its transactional outbox
   * (`service.outbox.enqueue(tx, event)`) and a relay publishing it, served at `/ops/outbox`.
   */
  database?: OutboxDatabase;
  /** The config service. With it the service follows its namespace's releases (`/ops/config`). */
  configUrl?: string;
  /** Where the config client caches the last release it applied (`<dir>/config-cache`). */
  dataDir?: string;
  /**
   * The service's tracer, by service name (`platformDeps()` exports to `OTEL_EXPORTER_OTLP_ENDPOINT`
   * when set). With it requests, calls, publishes and handlers run in spans and the outbox keeps each
   * event's business trace; without it, no span work.
   */
  tracing?: (service: string) => Tracing;
}

export interface ServiceMeta {
  name: string;
  version: string;
  description: string;
  /** The service's namespace schema: `serviceConfigSchema({ …its tunables })`. Defaults to the platform part alone. */
  configSchema?: TObject;
}

/**
 * `createService` wired the way every Diana service runs: registration with heartbeats once ready,
 * registration events in the log, the deployable's checks and closers.
 *
 * @example
 * const service = createPlatformService({ name: "trading", version, description }, deps);
 */
export function createPlatformService(
  meta: ServiceMeta,
  deps: PlatformDeps,
  /** Service-specific kit options (e.g. `auth.roleOf`, `contentSecurityPolicy`). */
  overrides: Partial<Omit<ServiceOptions, "auth">> & {
    roleOf?: NonNullable<ServiceOptions["auth"]>["roleOf"];
  } = {},
) {
  const { roleOf, ...rest } = overrides;
  const tracing = deps.tracing?.(meta.name);
  // Publishes and handlers (the relay's too) run in producer and consumer spans.
  const bus = deps.bus && tracing ? traceBus(deps.bus, tracing) : deps.bus;
  // Every service schema carries the platform's outbox table (pg schema names use `_` for `-`).
  const outbox =
    deps.database && bus
      ? createOutbox({
          database: deps.database,
          schema: meta.name.replaceAll("-", "_"),
          catalog: bus.catalog,
          source: `/services/${meta.name}`,
          // The enqueuing request's (or handler's) trace, which the relay's publish continues.
          ...(tracing ? { traceparent: () => tracing.currentTraceparent() } : {}),
        })
      : undefined;
  const relay = outbox && bus ? createOutboxRelay({ outbox, bus }) : undefined;
  // Consumers run their handlers through the inbox (`service.inbox.handler(…)`) for exactly-once
  // effects; DLQ replays go through it too, so events past its retention need `force`.
  const inbox = deps.database
    ? createInbox({ database: deps.database, schema: meta.name.replaceAll("-", "_") })
    : undefined;
  const service = createService({
    ...meta,
    port: deps.port,
    host: deps.host,
    publicUrl: `http://${deps.publicHost}:${deps.port}`,
    infra: deps.infra,
    logger: deps.logger,
    checks: deps.checks,
    shutdownTimeoutMs: deps.shutdownTimeoutMs,
    attachments: deps.attachments,
    bus: bus && { bus, inbox },
    tracing,
    outbox: relay,
    auth: deps.auth && {
      verifier: createTokenVerifier({ users: deps.auth, serviceSecret: deps.serviceToken }),
      roleOf,
    },
    ...rest,
  });
  const config = deps.configUrl
    ? platformConfigClient({
        url: deps.configUrl,
        namespace: meta.name,
        schema: meta.configSchema ?? serviceConfigSchema(),
        serviceToken: deps.serviceToken,
        instanceId: service.info.instanceId,
        cacheDir: deps.dataDir,
        breakers: service.breakers,
        onError: (error) => service.log.error("could not apply a config release's policies", { error }),
        onEvent: (e) => {
          if (e.type === "rejected" || e.type === "ack-failed" || e.type === "listener-failed") {
            service.log.warn(`config: ${e.type}`, { ...e });
          } else service.log.debug(`config: ${e.type}`, { ...e });
        },
      })
    : undefined;
  // Attached before the relay, config and registration, so it stops after them and flushes their spans.
  if (tracing) service.attach({ onStop: () => tracing.shutdown() });
  if (relay) service.attach({ onReady: () => relay.start(), onStop: () => relay.stop() });
  // The inbox keeps each handled event id for its retention (longer than any retry or replay window),
  // then lets it go: hourly, and once at start.
  if (inbox)
    service.attach(
      periodicDeletion(
        "inbox ids past retention",
        () => inbox.cleanup(),
        INBOX_CLEANUP_INTERVAL_MS,
        service.log,
      ),
    );
  if (config) {
    service.addCheck("config", () => config.check());
    service.attach({
      onStart: async () => {
        const { version, source } = await config.start();
        service.log.info("config loaded", { version, source });
      },
      onStop: () => config.stop(),
    });
    service.app.use(configOpsRoutes(config as never));
  }
  service.attach(
    registration(deps.registry, {
      heartbeatIntervalMs: deps.heartbeatIntervalMs,
      ttlMs: deps.instanceTtlMs,
      configVersion: config && (() => config.current().version),
      onEvent: (e) =>
        e.type === "heartbeat-failed"
          ? service.log.warn("registry heartbeat failed", { error: e.error })
          : service.log.info(`registry: ${e.type}`),
    }),
  );
  /**
   * Consumes `patterns` on the service's queue (named after the service unless `consumer` says otherwise)
   * from its start until it stops, subscribing again in the background while the broker refuses. Wrap the
   * handler in `service.inbox!.handler(…)` for exactly-once effects.
   */
  const consume = (
    options: Omit<SubscribeOptions, "consumer"> & { consumer?: string },
    handler: AnyEventHandler,
  ) => {
    if (!bus) throw new TypeError(`${meta.name} has no bus to consume from`);
    const consumer = consumerAttachment({
      bus,
      log: service.log,
      subscribe: { ...options, consumer: options.consumer ?? meta.name },
      handler,
    });
    service.attach(consumer);
    return consumer;
  };
  return Object.assign(service, { config, outbox, inbox, bus, tracing, consume });
}
