import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";

export const meta = {
  name: "scoring" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description:
    "Scores symbols from market data with weighted indicators whose weights are hot-reloaded config.",
};

export type ScoringDeps = PlatformDeps;

/** Builds the scoring service. No I/O until `start()`. */
export function createApp(deps: ScoringDeps) {
  return createPlatformService(meta, deps);
}

export type ScoringApp = ReturnType<typeof createApp>["app"];
