import { defineEvents, openServiceBus } from "@diana/core/bus";
import { platformDeps, resources, runMain, runUntilSignal } from "@diana/core/service";
import { connect } from "@diana/db";
import { createApp, meta } from "./app";
import { loadConfig } from "./config";
import { consumedEvents } from "./contract";

runMain(async () => {
  const env = loadConfig();
  const deps = platformDeps(env, env.PORT);
  const db = await connect({ url: env.DATABASE_URL, dataDir: env.DIANA_DATA_DIR });
  await db.migrate(meta.name);
  const bus = openServiceBus({
    url: env.AMQP_URL,
    name: meta.name,
    catalog: defineEvents(consumedEvents),
  });
  const service = createApp({
    ...deps,
    database: db,
    bus: bus.bus,
    journalRetentionDays: env.MONITOR_JOURNAL_RETENTION_DAYS,
    ...resources({ database: db, bus }),
  });
  await service.start();
  runUntilSignal(service, deps.logger);
});
