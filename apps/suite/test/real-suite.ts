import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testVhost } from "@diana/core/bus/test-vhost";
import { readEnv, serviceEnv } from "@diana/core/config";
import { connectKv } from "@diana/core/kv";
import { silentLogger } from "@diana/core/log";
import { requireServer, testServiceToken } from "@diana/core/testing";
import { createTestDatabase, requirePostgres } from "@diana/db/testing";
import { launchSuite, type RunningSuite } from "../src/launch";
import { freeOffset } from "./free-offset";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * Checks Postgres, Redis and RabbitMQ for a test file of the whole suite, and makes the file's own
 * RabbitMQ vhost (removed after the file). Call at the top level of the file. With CI=true a
 * missing server throws; otherwise `skip` names it.
 */
export async function realInfrastructure(): Promise<{ skip?: string; amqpUrl: string }> {
  const pg = await requirePostgres();
  const redis = await requireServer(`Redis at ${new URL(REDIS_URL).host}`, async () => {
    const kv = connectKv({ url: REDIS_URL });
    await kv.ping().finally(() => kv.close());
  });
  const amqp = await testVhost();
  return { skip: pg.reason ?? redis.reason ?? amqp.reason, amqpUrl: amqp.url };
}

export interface RealSuite {
  suite: RunningSuite;
  gateway: string;
  /** The run's own database (the gateway's signing keys are in it). */
  databaseUrl: string;
  adminPassword: string;
  /** Logs in at the gateway as the console does (body session) and returns the tokens. */
  login(username: string, password: string): Promise<{ accessToken: string; refreshToken: string }>;
  stop(): Promise<void>;
}

/**
 * All eleven services in this process on a fresh database, the file's vhost, a unique Redis key
 * prefix and a temporary data directory, on free ports; `stop()` removes every one of them.
 */
export async function startRealSuite(amqpUrl: string): Promise<RealSuite> {
  const database = await createTestDatabase();
  const prefix = `diana-test:${crypto.randomUUID()}:`;
  const dataDir = mkdtempSync(join(tmpdir(), "diana-suite-"));
  const portOffset = freeOffset();
  const gateway = `http://127.0.0.1:${8080 + portOffset}`;
  const adminPassword = `pw-${crypto.randomUUID()}`;
  const env = readEnv(serviceEnv, {
    DATABASE_URL: database.url,
    REDIS_URL,
    AMQP_URL: amqpUrl,
    DIANA_DATA_DIR: dataDir,
    DIANA_KV_PREFIX: prefix,
    SERVICE_TOKEN: testServiceToken,
    // The suite shares this process with the tests; a test that holds the event loop (validating
    // eleven OpenAPI documents) must not cost the instances their registration.
    HEARTBEAT_INTERVAL_MS: "1000",
    INSTANCE_TTL_MS: "10000",
    SHUTDOWN_TIMEOUT_MS: "2000",
  });
  const cleanUp = async () => {
    rmSync(dataDir, { recursive: true, force: true });
    const kv = connectKv({ url: REDIS_URL });
    for (const key of await kv.keys(prefix)) await kv.delete(key);
    await kv.close();
    await database.drop();
  };
  let suite: RunningSuite;
  try {
    suite = await launchSuite({
      env,
      logger: silentLogger,
      portOffset,
      registryUrl: `http://127.0.0.1:${8021 + portOffset}`,
      adminPassword,
    });
  } catch (e) {
    await cleanUp();
    throw e;
  }
  return {
    suite,
    gateway,
    databaseUrl: database.url,
    adminPassword,
    async login(username, password) {
      const res = await fetch(`${gateway}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, password, session: "token" }),
      });
      if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}`);
      return (await res.json()) as { accessToken: string; refreshToken: string };
    },
    async stop() {
      await suite.stop("test done");
      await cleanUp();
    },
  };
}
