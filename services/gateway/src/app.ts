import { fileURLToPath } from "node:url";
import { createHttpClient, type UpstreamPolicies } from "@diana/core/http";
import type { KeyValueStore } from "@diana/core/kv";
import { memoryKv } from "@diana/core/kv";
import type { Discovery } from "@diana/core/registry";
import { APP_CSP, createPlatformService, type PlatformDeps } from "@diana/core/service";
import type { Database } from "@diana/db";
import { Elysia } from "elysia";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";
import { createIdentity, type IdentityOptions } from "./domain/identity/identity";
import type { OpenApiDocument } from "./domain/openapi/merge";
import { clientIp } from "./edge/client-ip";
import { edge } from "./edge/edge";
import { createRateLimits, type RateLimitPolicy } from "./edge/rate-limits";
import { authRoutes } from "./routes/auth";
import { consoleRoutes } from "./routes/console";
import { jwksRoutes } from "./routes/jwks";
import { mergedDocsRoutes } from "./routes/openapi";
import { proxyRoutes } from "./routes/proxy";

export const meta = {
  name: "gateway" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description:
    "The one public door: routes /api/<service>/… to live instances from the registry and serves the console.",
};

/** Where `vite build` puts the console in this repository. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL("../../../console/dist", import.meta.url));

export interface GatewayDeps extends PlatformDeps {
  /** Built console to serve at `/`. Defaults to the repository's `console/dist`. */
  consoleDir?: string;
  /** Where upstream instances come from. Defaults to the registry client, kept current by its watch stream. */
  discovery?: Discovery;
  /** Timeout, retry and breaker for every upstream. Defaults to {@link UPSTREAM_DEFAULTS}. */
  upstreamPolicies?: UpstreamPolicies;
  fetch?: typeof fetch;
  /** Users, sessions and signing keys live in its `gateway` schema. Without it there is no login. */
  database?: Database;
  /** Rate-limit buckets. Defaults to an in-memory store (one process). */
  kv?: KeyValueStore;
  /** Token lifetimes, the first admin's password (`DIANA_ADMIN_PASSWORD`), issuer and audience. */
  identity?: IdentityOptions;
  rateLimits?: RateLimitPolicy;
  /** Proxies whose `X-Forwarded-For` is believed (addresses or IPv4 CIDRs). Defaults to none. */
  trustedProxies?: readonly string[];
  /** Origins allowed to call cross-origin. Defaults to none (the console is same-origin). */
  corsOrigins?: readonly string[];
  /** Services whose documents `/api/openapi` merges. Defaults to those with a routable instance in the registry. */
  documentedServices?: () => Promise<readonly string[]>;
}

/** The console, the proxied APIs (each service checks its own roles) and the login routes are open here. */
const gatewayRoleOf = (_method: string, path: string) =>
  path === "/" || path === "/*" || path.startsWith("/api/") ? ("public" as const) : undefined;

/** Names of the services with an instance clients may route to. */
const routableServices = (registry: PlatformDeps["registry"]) => async () =>
  (await registry.list()).filter((i) => i.routable).map((i) => i.service);

/** Per attempt 10 s; one retry for idempotent requests; a breaker per upstream with the kit's defaults. */
export const UPSTREAM_DEFAULTS: UpstreamPolicies = {
  timeoutMs: 10_000,
  retry: { maxAttempts: 2, budgetMs: 15_000 },
  breaker: { minimumCalls: 20, failureRateThreshold: 0.5, openMs: 15_000 },
};

/** Builds the gateway. No I/O until `start()`. */
export function createApp(deps: GatewayDeps) {
  const identity = deps.database && createIdentity(deps.database.forService("gateway"), deps.identity);
  // The gateway verifies with its own key set; other services fetch it from /.well-known/jwks.json.
  const auth = identity
    ? { keys: () => identity.jwks(), issuer: deps.identity?.issuer, audience: deps.identity?.audience }
    : deps.auth;
  const service = createPlatformService(
    meta,
    { ...deps, auth },
    { roleOf: gatewayRoleOf, contentSecurityPolicy: APP_CSP },
  );
  const trusted = deps.trustedProxies ?? [];
  const ipOf = (request: Request) =>
    clientIp(
      service.app.server?.requestIP(request)?.address,
      request.headers.get("x-forwarded-for"),
      trusted,
    );
  const limits = createRateLimits(deps.kv ?? memoryKv(), deps.rateLimits);
  if (identity) service.addCheck("identity", () => identity.ready());
  const client = createHttpClient({
    discovery: deps.discovery ?? deps.registry,
    breakers: service.breakers,
    defaults: deps.upstreamPolicies ?? UPSTREAM_DEFAULTS,
    fetch: deps.fetch,
    tracing: service.tracing,
  });
  if (!deps.discovery) {
    let unwatch: (() => Promise<void>) | undefined;
    service.attach({
      onReady: () => {
        unwatch = deps.registry.watch((error) =>
          service.log.debug("registry watch dropped; reconnecting", { error }),
        );
      },
      onStop: () => unwatch?.(),
    });
  }
  const app = service.app
    .use(edge({ limits, ipOf, corsOrigins: deps.corsOrigins }))
    .use(identity ? authRoutes({ identity, limits, ipOf }).use(jwksRoutes(identity)) : new Elysia())
    .use(
      mergedDocsRoutes({
        client,
        version: meta.version,
        services: deps.documentedServices ?? routableServices(deps.registry),
        own: async () =>
          (
            await service.app.handle(new Request("http://gateway.local/openapi"))
          ).json() as Promise<OpenApiDocument>,
      }),
    )
    .use(proxyRoutes({ client }))
    .use(consoleRoutes(deps.consoleDir ?? DEFAULT_CONSOLE_DIR));
  /** The public keys of access tokens, for services verifying in this process (undefined without login). */
  const jwks = identity && (() => identity.jwks());
  return { ...service, app, jwks };
}

export type GatewayApp = ReturnType<typeof createApp>["app"];
