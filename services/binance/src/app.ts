import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";

export const meta = {
  name: "binance" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description:
    "Venue connector for Binance: market data and order execution (a paper venue unless keys are set).",
};

export type BinanceDeps = PlatformDeps;

/** Builds the binance service. No I/O until `start()`. */
export function createApp(deps: BinanceDeps) {
  return createPlatformService(meta, deps);
}

export type BinanceApp = ReturnType<typeof createApp>["app"];
