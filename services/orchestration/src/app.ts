import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";

export const meta = {
  name: "orchestration" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description:
    "Turns scored signals into orders: validates, locks per symbol, asks risk-guard and places the order.",
};

export type OrchestrationDeps = PlatformDeps;

/** Builds the orchestration service. No I/O until `start()`. */
export function createApp(deps: OrchestrationDeps) {
  return createPlatformService(meta, deps);
}

export type OrchestrationApp = ReturnType<typeof createApp>["app"];
