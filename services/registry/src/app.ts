import type { KeyValueStore } from "@diana/core/kv";
import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import type { Database } from "@diana/db";
import { Gauge } from "prom-client";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";
import { createFleetFeed } from "./domain/fleet-feed";
import { postgresHistory } from "./domain/history";
import { createInstanceStore, type InstanceStoreOptions } from "./domain/instance-store";
import { createReconciler, type ReconcilerOptions } from "./domain/reconciler";
import { instanceRoutes } from "./routes/instances";
import { watchRoutes } from "./routes/watch";

export const meta = {
  name: "registry" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description:
    "Service discovery: registration once ready, heartbeats with a TTL, active health checks with anti-flap thresholds, history, drains and mass-eviction protection.",
};

export interface RegistryDeps extends PlatformDeps {
  kv: KeyValueStore;
  database: Database;
  store?: InstanceStoreOptions;
  checks?: PlatformDeps["checks"];
  reconciler?: Pick<
    ReconcilerOptions,
    "tickMs" | "checkIntervalMs" | "checkTimeoutMs" | "antiFlap" | "fetch"
  >;
  /** How often the watch stream looks for changes. Defaults to 500 ms. */
  watchIntervalMs?: number;
}

/** Builds the registry service. No I/O until `start()`. */
export function createApp(deps: RegistryDeps) {
  const service = createPlatformService(meta, deps);
  const store = createInstanceStore(deps.kv, deps.store);
  const outbox = service.outbox;
  const history = postgresHistory(deps.database.forService("registry"), {
    announce:
      outbox &&
      ((tx, e) =>
        outbox.enqueue(tx, {
          type: `registry.instance.${e.status}`,
          subject: e.instanceId,
          data: { ...e, detail: e.detail ?? null },
        })),
  });
  const guardGauge = new Gauge({
    name: "diana_registry_eviction_guard_engaged",
    help: "1 while mass-eviction protection holds instances whose TTL ran out (an alert condition).",
    registers: [service.metrics.registry],
  });
  const reconciler = createReconciler({
    store,
    history,
    kv: deps.kv,
    now: deps.store?.now,
    ...deps.reconciler,
    onGuard: (engaged, held) => {
      guardGauge.set(engaged ? 1 : 0);
      if (engaged)
        service.log.warn("mass-eviction protection engaged: holding instances instead of evicting", { held });
      else service.log.info("mass-eviction protection released");
    },
    onError: (error) => service.log.warn("reconciler round failed", { error }),
  });
  const feed = createFleetFeed(store, deps.watchIntervalMs, (error) =>
    service.log.warn("watch feed read failed", { error }),
  );
  service.attach({
    onReady: () => reconciler.start(),
    onDrain: () => feed.close(),
    onStop: () => reconciler.stop(),
  });
  const app = service.app
    .use(
      instanceRoutes({
        store,
        history,
        reconciler,
        feed,
        now: deps.store?.now,
      }),
    )
    .use(watchRoutes(feed));
  return { ...service, app, reconciler, store };
}

export type RegistryApp = ReturnType<typeof createApp>["app"];
