import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";

export const meta = {
  name: "config" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description:
    "Configuration releases per namespace: schema-checked, immutable versions, diff, rollback and audit.",
};

export type ConfigDeps = PlatformDeps;

/** Builds the config service. No I/O until `start()`. */
export function createApp(deps: ConfigDeps) {
  return createPlatformService(meta, deps);
}

export type ConfigApp = ReturnType<typeof createApp>["app"];
