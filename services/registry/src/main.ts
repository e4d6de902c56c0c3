import { defineEvents, openServiceBus } from "@diana/core/bus";
import { connectKv } from "@diana/core/kv";
import { platformDeps, resources, runMain, runUntilSignal } from "@diana/core/service";
import { connect } from "@diana/db";
import { createApp, meta } from "./app";
import { loadConfig } from "./config";
import { events } from "./contract";

runMain(async () => {
  const env = loadConfig();
  // Alone, the registry registers with itself unless told where the fleet's registry is.
  const self = process.env.REGISTRY_URL ? env.REGISTRY_URL : `http://127.0.0.1:${env.PORT}`;
  const deps = platformDeps({ ...env, REGISTRY_URL: self }, env.PORT);
  const db = await connect({ url: env.DATABASE_URL, dataDir: env.DIANA_DATA_DIR });
  await db.migrate(meta.name);
  const bus = openServiceBus({ url: env.AMQP_URL, name: meta.name, catalog: defineEvents(events) });
  const kv = connectKv({ url: env.REDIS_URL, keyPrefix: env.DIANA_KV_PREFIX });
  const service = createApp({
    ...deps,
    kv,
    database: db,
    bus: bus.bus,
    ...resources({ database: db, kv, bus }),
    store: { guard: { maxShare: env.REGISTRY_EVICTION_MAX_SHARE } },
    reconciler: {
      checkIntervalMs: env.REGISTRY_CHECK_INTERVAL_MS,
      checkTimeoutMs: env.REGISTRY_CHECK_TIMEOUT_MS,
      antiFlap: {
        failuresToCritical: env.REGISTRY_CHECK_FAILURES,
        successesToPass: env.REGISTRY_CHECK_SUCCESSES,
      },
    },
  });
  await service.start();
  runUntilSignal(service, deps.logger);
});
