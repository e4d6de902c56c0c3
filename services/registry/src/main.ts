import { connectKv } from "@diana/core/kv";
import { platformDeps, runMain, runUntilSignal } from "@diana/core/service";
import { connect, databaseAttachments } from "@diana/db";
import { createApp, meta } from "./app";
import { loadConfig } from "./config";

runMain(async () => {
  const env = loadConfig();
  const deps = platformDeps(env, env.PORT);
  const db = await connect({ url: env.DATABASE_URL, dataDir: env.DIANA_DATA_DIR });
  await db.migrate(meta.name);
  const kv = connectKv({ url: env.REDIS_URL, keyPrefix: "diana:" });
  const { checks, attachments } = databaseAttachments(db);
  const service = createApp({ ...deps, kv, checks, attachments: [...attachments, { onStop: () => kv.close() }] });
  await service.start();
  runUntilSignal(service, deps.logger);
});
