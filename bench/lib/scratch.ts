import { deleteRedisKeys } from "@diana/core/kv/testing";
import { createTestDatabase } from "@diana/db/testing";
import { RedisClient } from "bun";
import { dropOnInterrupt } from "./interrupt";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A benchmark's own Postgres database and Redis key prefix; `drop()` removes both, also on an interrupt. */
export interface Scratch {
  databaseUrl: string;
  keyPrefix: string;
  drop(): Promise<void>;
}

export async function scratch(): Promise<Scratch> {
  const testDb = await createTestDatabase();
  const keyPrefix = `diana-bench:${crypto.randomUUID()}:`;
  return {
    databaseUrl: testDb.url,
    keyPrefix,
    drop: dropOnInterrupt(async () => {
      await testDb.drop();
      const redis = new RedisClient(REDIS_URL);
      await deleteRedisKeys(redis, keyPrefix);
      redis.close();
    }),
  };
}
