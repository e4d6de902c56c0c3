import { fileURLToPath } from "node:url";
import { createHttpClient, type UpstreamPolicies } from "@diana/core/http";
import type { Discovery } from "@diana/core/registry";
import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";
import { consoleRoutes } from "./routes/console";
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
}

/** Per attempt 10 s; one retry for idempotent requests; a breaker per upstream with the kit's defaults. */
export const UPSTREAM_DEFAULTS: UpstreamPolicies = {
  timeoutMs: 10_000,
  retry: { maxAttempts: 2, budgetMs: 15_000 },
  breaker: { minimumCalls: 20, failureRateThreshold: 0.5, openMs: 15_000 },
};

/** Builds the gateway. No I/O until `start()`. */
export function createApp(deps: GatewayDeps) {
  const service = createPlatformService(meta, deps);
  const client = createHttpClient({
    discovery: deps.discovery ?? deps.registry,
    breakers: service.breakers,
    defaults: deps.upstreamPolicies ?? UPSTREAM_DEFAULTS,
    fetch: deps.fetch,
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
    .use(proxyRoutes({ client }))
    .use(consoleRoutes(deps.consoleDir ?? DEFAULT_CONSOLE_DIR));
  return { ...service, app };
}

export type GatewayApp = ReturnType<typeof createApp>["app"];
