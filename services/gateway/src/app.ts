import { fileURLToPath } from "node:url";
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
  /** Where upstream instances come from. Defaults to the registry client. */
  discovery?: Discovery;
  fetch?: typeof fetch;
}

/** Builds the gateway. No I/O until `start()`. */
export function createApp(deps: GatewayDeps) {
  const service = createPlatformService(meta, deps);
  const app = service.app
    .use(proxyRoutes({ discovery: deps.discovery ?? deps.registry, fetch: deps.fetch }))
    .use(consoleRoutes(deps.consoleDir ?? DEFAULT_CONSOLE_DIR));
  return { ...service, app };
}

export type GatewayApp = ReturnType<typeof createApp>["app"];
