import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";

export const meta = {
  name: "dashboard" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description: "Read models built from events: positions, P&L, trade history and the equity curve.",
};

export type DashboardDeps = PlatformDeps;

/** Builds the dashboard service. No I/O until `start()`. */
export function createApp(deps: DashboardDeps) {
  return createPlatformService(meta, deps);
}

export type DashboardApp = ReturnType<typeof createApp>["app"];
