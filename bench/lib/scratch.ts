import { deleteRedisKeys } from "@diana/core/kv/testing";
import { RedisClient, SQL } from "bun";
import { dropOnInterrupt } from "./interrupt";

const ADMIN = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A benchmark's own Postgres database and Redis key prefix; `drop()` removes both. */
export interface Scratch {
  databaseUrl: string;
  keyPrefix: string;
  drop(): Promise<void>;
}

export async function scratch(): Promise<Scratch> {
  const name = `diana_bench_${crypto.randomUUID().slice(0, 8)}`;
  const admin = new SQL(ADMIN, { max: 1 });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN);
  url.pathname = `/${name}`;
  const keyPrefix = `diana-bench:${crypto.randomUUID()}:`;
  return {
    databaseUrl: url.toString(),
    keyPrefix,
    drop: dropOnInterrupt(async () => {
      await admin.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}'`);
      await admin.unsafe(`drop database if exists ${name}`);
      await admin.close();
      const redis = new RedisClient(REDIS_URL);
      await deleteRedisKeys(redis, keyPrefix);
      redis.close();
    }),
  };
}
