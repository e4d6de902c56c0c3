import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";

export const meta = {
  name: "monitor" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description:
    "The fleet view behind the console: breakers, DLQ depths, outbox backlogs, config drift and registry health.",
};

export type MonitorDeps = PlatformDeps;

/** Builds the monitor service. No I/O until `start()`. */
export function createApp(deps: MonitorDeps) {
  return createPlatformService(meta, deps);
}

export type MonitorApp = ReturnType<typeof createApp>["app"];
