import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";

export const meta = {
  name: "kucoin" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description:
    "Venue connector for KuCoin: market data and order execution (a paper venue unless keys are set).",
};

export type KucoinDeps = PlatformDeps;

/** Builds the kucoin service. No I/O until `start()`. */
export function createApp(deps: KucoinDeps) {
  return createPlatformService(meta, deps);
}

export type KucoinApp = ReturnType<typeof createApp>["app"];
