import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { ForbiddenError } from "../auth/errors";
import { allows, type Principal, type RouteRole } from "../auth/roles";
import { routeRoleTable, securitySchemes } from "../auth/route-roles";
import type { TokenVerifier } from "../auth/verifier";
import type { AnyEventBus } from "../bus";
import type { Inbox } from "../inbox";
import { createLogger, type Logger, lazyChild } from "../log";
import { createMetrics, type ServiceMetrics } from "../metrics";
import type { OutboxOps } from "../outbox/types";
import { BreakerSet } from "../resilience";
import { bindBreakerMetrics } from "../telemetry/breaker-metrics";
import { httpServerTracing } from "../telemetry/http-server";
import type { Tracing } from "../telemetry/tracing";
import { allowedMethods } from "./allowed-methods";
import type { ReadinessCheck } from "./health";
import { MAX_JSON_DEPTH, parseJsonBody, rawBodyRoutes } from "./json-depth";
import { breakerOpsRoutes } from "./ops-breakers";
import { busOpsRoutes } from "./ops-bus";
import { outboxOpsRoutes } from "./ops-outbox";
import { problem, problemResponse } from "./problem";
import { ProblemSchema } from "./problem-schema";

export type { Attachment };
export { ProblemSchema };

import { errorResponse } from "./error-response";
import { kitRoutes } from "./kit-routes";
import { type Attachment, serviceLifecycle } from "./lifecycle";
import { acceptId } from "./request-id";
import { API_CSP, securityHeaders } from "./security-headers";

/** Where the service's infrastructure lives. */
export type InfraMode = "embedded" | "real";

/** How a service checks bearer tokens and roles. */
export interface ServiceAuth {
  verifier: TokenVerifier;
  /**
   * Roles for routes that declare none in `detail['x-role']`, consulted before the defaults (open kit
   * paths `public`, reads `viewer`, `POST /ops/…` `operator`, other writes `admin`).
   */
  roleOf?: (method: string, path: string) => RouteRole | undefined;
}

export interface ServiceOptions {
  name: string;
  version: string;
  port: number;
  /** Interface to listen on. Defaults to `0.0.0.0`. */
  host?: string;
  /** The URL other services use to reach this instance. Defaults to `http://127.0.0.1:<port>`. */
  publicUrl?: string;
  /** Defaults to `<name>-<12 random hex>`. */
  instanceId?: string;
  infra: InfraMode;
  description?: string;
  /** Defaults to a JSON logger at `info` with the service name on every line. */
  logger?: Logger;
  /** Named readiness checks (database, key-value store, bus). Each is bounded by `checkTimeoutMs`. */
  checks?: Record<string, ReadinessCheck>;
  /** Defaults to 2 s. */
  checkTimeoutMs?: number;
  /** Largest request body accepted. Defaults to 1 MiB. */
  bodyLimitBytes?: number;
  /** Deepest nesting of a JSON body; deeper ones are refused with 400 before parsing. Defaults to 64. */
  maxJsonDepth?: number;
  /** How long `stop()` waits for in-flight requests. Defaults to 10 s. */
  shutdownTimeoutMs?: number;
  /** Seconds an idle or slow connection may stay open. Defaults to 30. */
  idleTimeoutSeconds?: number;
  /** Attachments run in order on ready and in reverse on stop. */
  attachments?: Attachment[];
  /** Clock for `/ops/info` and durations. Defaults to `Date.now`. */
  now?: () => number;
  /** The service's circuit breakers, served at `/ops/breakers` and exported as metrics. Defaults to an empty set. */
  breakers?: BreakerSet;
  /** The service's event bus and its consumers (queues), served at `/ops/bus`. Without it there is no `/ops/bus`. */
  bus?: { bus: AnyEventBus; consumers?: readonly string[]; inbox?: Pick<Inbox, "replay" | "retentionMs"> };
  /** The service's outbox relay, served at `/ops/outbox` with the outbox metrics. Without it, no `/ops/outbox`. */
  outbox?: OutboxOps;
  /**
   * Bearer-token verification and roles. Without it no route checks tokens (unit tests of the kit);
   * `createPlatformService` always sets it. Every operation's role is declared in the OpenAPI document
   * either way (`x-role`, `security`).
   */
  auth?: ServiceAuth;
  /** `Content-Security-Policy` of every response but the docs UI. Defaults to a deny-all API policy. */
  contentSecurityPolicy?: string;
  /** Traces every request in a server span (HTTP in). Without it, no span work at all. */
  tracing?: Tracing;
}

/** The identity of a running instance, as `/ops/info` reports it. */
export interface ServiceInfo {
  name: string;
  version: string;
  instanceId: string;
  url: string;
  infra: InfraMode;
  startedAt: string;
}

interface RequestMeta {
  requestId: string;
  correlationId: string;
  started: number;
}

function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.indexOf("?", start);
  return end < 0 ? url.slice(start) : url.slice(start, end);
}

/**
 * Creates an Elysia app with the operational surface every Diana service shares — OpenAPI at
 * `/openapi` and `/docs`, `/health/live`, `/health/ready`, `/metrics`, `/ops/info`, request and
 * correlation ids, JSON logs, problem+json errors, a body limit — plus a lifecycle that registers
 * once ready and shuts down gracefully.
 *
 * @example
 * const service = createService({ name: "trading", version: "0.1.0", port: 8000, infra: "embedded" });
 * const app = service.app.get("/orders", () => []);
 * await service.start();
 */
export function createService(options: ServiceOptions) {
  const now = options.now ?? Date.now;
  const instanceId =
    options.instanceId ?? `${options.name}-${Bun.randomUUIDv7().replaceAll("-", "").slice(-12)}`;
  const bodyLimit = options.bodyLimitBytes ?? 1024 * 1024;
  const checkTimeoutMs = options.checkTimeoutMs ?? 2_000;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  const log = (options.logger ?? createLogger()).child({ service: options.name, instanceId });
  const csp = options.contentSecurityPolicy ?? API_CSP;
  const roles = routeRoleTable(() => app.routes as never, options.auth?.roleOf);
  const allowed = allowedMethods(() => app.routes);
  const maxJsonDepth = options.maxJsonDepth ?? MAX_JSON_DEPTH;
  const readsOwnBody = rawBodyRoutes(() => app.routes as never);
  const metrics: ServiceMetrics = createMetrics({ service: options.name });
  const breakers = options.breakers ?? new BreakerSet();
  bindBreakerMetrics(breakers, metrics.registry);
  const checks = new Map<string, ReadinessCheck>(Object.entries(options.checks ?? {}));
  const attachments: Attachment[] = [...(options.attachments ?? [])];
  const startedAt = now();
  const info: ServiceInfo = {
    name: options.name,
    version: options.version,
    instanceId,
    url: options.publicUrl ?? `http://127.0.0.1:${options.port}`,
    infra: options.infra,
    startedAt: new Date(startedAt).toISOString(),
  };
  const requests = new WeakMap<Request, RequestMeta>();

  const metaOf = (request: Request): RequestMeta => {
    let meta = requests.get(request);
    if (!meta) {
      meta = {
        requestId: acceptId(request.headers.get("x-request-id")),
        correlationId: "",
        started: performance.now(),
      };
      meta.correlationId = acceptId(request.headers.get("x-correlation-id"), () => meta!.requestId);
      requests.set(request, meta);
    }
    return meta;
  };

  const app = new Elysia({
    name: `diana:${options.name}`,
    serve: { maxRequestBodySize: bodyLimit, idleTimeout: options.idleTimeoutSeconds ?? 30 },
  })
    .use(options.tracing ? httpServerTracing(options.tracing) : new Elysia({ name: "kit:no-tracing" }))
    .use(
      openapi({
        path: "/docs",
        specPath: "/openapi",
        documentation: {
          info: {
            title: `Diana ${options.name}`,
            version: options.version,
            description: options.description,
          },
          components: { securitySchemes: securitySchemes as never },
        },
        exclude: { paths: ["/docs", "/openapi"] },
      }),
    )
    .onBeforeHandle(({ route }) => {
      // The document is generated from each route's `detail`: declare every role before it is.
      if (route === "/openapi") roles.annotate();
    })
    .onRequest(({ request, set }) => {
      const meta = metaOf(request);
      Object.assign(set.headers, securityHeaders(pathOf(request.url), csp));
      set.headers["x-request-id"] = meta.requestId;
      set.headers["x-correlation-id"] = meta.correlationId;
      const length = Number(request.headers.get("content-length") ?? 0);
      if (length > bodyLimit) {
        return problemResponse(
          problem(413, "BODY_TOO_LARGE", `request body is ${length} bytes; the limit is ${bodyLimit}`, {
            requestId: meta.requestId,
          }),
          { "x-request-id": meta.requestId },
        );
      }
    })
    .onParse({ as: "global" }, ({ request, contentType, route }) => {
      // `parse: "none"` routes (a proxy) read the stream themselves; null ends parsing without reading it.
      if (readsOwnBody(request.method, route)) return null;
      return contentType.startsWith("application/json") ? parseJsonBody(request, maxJsonDepth) : undefined;
    })
    .resolve({ as: "global" }, ({ request }) => {
      const meta = metaOf(request);
      return {
        requestId: meta.requestId,
        correlationId: meta.correlationId,
        log: lazyChild(log, { requestId: meta.requestId, correlationId: meta.correlationId }),
      };
    })
    .derive({ as: "global" }, async ({ request, route }): Promise<{ principal: Principal | undefined }> => {
      if (!options.auth) return { principal: undefined };
      const { verifier } = options.auth;
      const role = roles.roleFor(request.method, route);
      const header = request.headers.get("authorization");
      if (!role || role === "public") {
        // Open routes still learn who is calling when told (the gateway limits rates per user).
        return { principal: header ? await verifier.fromHeader(header).catch(() => undefined) : undefined };
      }
      const principal = await verifier.fromHeader(header);
      if (!allows(role, principal)) throw new ForbiddenError(`this operation needs the ${role} role`);
      return { principal };
    })
    .onError({ as: "global" }, ({ code, error, request, path }) => {
      const { requestId, correlationId } = metaOf(request);
      return errorResponse({ code, error, request, path, requestId, correlationId, allowed, log });
    })
    .onAfterResponse({ as: "global" }, ({ request, route, set, responseValue }) => {
      const meta = requests.get(request);
      if (!meta) return;
      const status =
        responseValue instanceof Response
          ? responseValue.status
          : typeof set.status === "number"
            ? set.status
            : 200;
      const seconds = (performance.now() - meta.started) / 1000;
      const template = route || "unmatched";
      metrics.httpDuration.observe(
        { route: template, method: request.method, status: String(status) },
        seconds,
      );
      if (log.level === "debug")
        log.debug("request", {
          requestId: meta.requestId,
          correlationId: meta.correlationId,
          method: request.method,
          route: template,
          status,
          durationMs: Math.round(seconds * 1e4) / 10,
        });
    })
    .use(
      kitRoutes({
        checks,
        checkTimeoutMs,
        stopping: () => lifecycle.stopping(),
        metrics,
        info,
        now,
        startedAt,
      }),
    )
    .use(breakerOpsRoutes(breakers))
    .use(
      options.bus
        ? busOpsRoutes({
            bus: options.bus.bus,
            consumers: options.bus.consumers ?? [options.name],
            inbox: options.bus.inbox,
            registry: metrics.registry,
          })
        : new Elysia({ name: "kit:no-bus" }),
    )
    .use(outboxOpsRoutes(options.outbox, metrics.registry));

  const lifecycle = serviceLifecycle({
    app,
    info,
    log,
    checks,
    attachments,
    checkTimeoutMs,
    shutdownTimeoutMs,
    port: options.port,
    host: options.host,
  });

  return {
    app,
    info,
    log,
    metrics,
    breakers,
    /** Resolves once listening, ready, and every attachment's `onReady` has run. */
    ready: lifecycle.ready,
    /** Adds a readiness check (e.g. the bus once connected). */
    addCheck(name: string, check: ReadinessCheck) {
      checks.set(name, check);
    },
    /** Adds work to run on ready and on stop. Must be called before `start()`. */
    attach(attachment: Attachment) {
      attachments.push(attachment);
    },
    start: lifecycle.start,
    stop: lifecycle.stop,
  };
}

export type Service = ReturnType<typeof createService>;
