import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";

export const meta = {
  name: "risk-guard" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description: "Pre-trade checks and a trading halt switch with its own recovery timer.",
};

export type RiskGuardDeps = PlatformDeps;

/** Builds the risk-guard service. No I/O until `start()`. */
export function createApp(deps: RiskGuardDeps) {
  return createPlatformService(meta, deps);
}

export type RiskGuardApp = ReturnType<typeof createApp>["app"];
