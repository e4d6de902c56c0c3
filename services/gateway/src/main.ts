import { openServiceBus } from "@diana/core/bus";
import { connectKv } from "@diana/core/kv";
import { platformDeps, resources, runMain, runUntilSignal } from "@diana/core/service";
import { connect } from "@diana/db";
import { createApp, meta } from "./app";
import { loadConfig, splitList } from "./config";

runMain(async () => {
  const env = loadConfig();
  const deps = platformDeps(env, env.PORT);
  const db = await connect({ url: env.DATABASE_URL, dataDir: env.DIANA_DATA_DIR });
  await db.migrate(meta.name);
  const bus = openServiceBus({ url: env.AMQP_URL, name: meta.name });
  const kv = connectKv({ url: env.REDIS_URL, keyPrefix: env.DIANA_KV_PREFIX });
  const service = createApp({
    ...deps,
    bus: bus.bus,
    ...resources({ database: db, kv, bus }),
    database: db,
    kv,
    consoleDir: env.CONSOLE_DIR,
    identity: {
      adminPassword: env.DIANA_ADMIN_PASSWORD,
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      accessTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
    },
    trustedProxies: splitList(env.TRUSTED_PROXIES),
    corsOrigins: splitList(env.CORS_ORIGINS),
  });
  await service.start();
  runUntilSignal(service, deps.logger);
});
