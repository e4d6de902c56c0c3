import type { KeyValueStore } from "@diana/core/kv";
import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";
import { createInstanceStore, type InstanceStoreOptions } from "./domain/instance-store";
import { instanceRoutes } from "./routes/instances";

export const meta = {
  name: "registry" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description:
    "Service discovery: instances register once ready, heartbeat within a TTL and deregister on shutdown.",
};

export interface RegistryDeps extends PlatformDeps {
  kv: KeyValueStore;
  store?: InstanceStoreOptions;
}

/** Builds the registry service. No I/O until `start()`. */
export function createApp(deps: RegistryDeps) {
  const service = createPlatformService(meta, deps);
  const app = service.app.use(instanceRoutes(createInstanceStore(deps.kv, deps.store), deps.serviceToken));
  return { ...service, app };
}

export type RegistryApp = ReturnType<typeof createApp>["app"];
