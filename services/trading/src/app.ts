import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";

export const meta = {
  name: "trading" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description: "Orders: place, cancel and list; the order and its event are stored in one transaction.",
};

export type TradingDeps = PlatformDeps;

/** Builds the trading service. No I/O until `start()`. */
export function createApp(deps: TradingDeps) {
  return createPlatformService(meta, deps);
}

export type TradingApp = ReturnType<typeof createApp>["app"];
