/**
 * The registry against real instance processes: kill -9, SIGSTOP / SIGCONT, and a watch that
 * survives a registry restart. Real Postgres and Redis.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { connectKv, type KeyValueStore } from "@diana/core/kv";
import { createLogger } from "@diana/core/log";
import { createRegistryClient, type InstanceRecord } from "@diana/core/registry";
import {
  freePort,
  json,
  requireServer,
  testPlatformDeps,
  testServiceToken,
  waitFor,
} from "@diana/core/testing";
import { connect, type Database } from "@diana/db";
import { createTestDatabase, requirePostgres, type TestDatabase } from "@diana/db/testing";
import { createApp } from "../src/app";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const pg = await requirePostgres();
const redis = await requireServer("Redis", async () => {
  const kv = connectKv({ url: REDIS_URL });
  await kv.ping().finally(() => kv.close());
});
const skip = pg.reason ?? redis.reason;

const TTL = 2_000;
const root = join(import.meta.dir, "../../..");
const prefix = `diana-test:${crypto.randomUUID()}:`;

describe.skipIf(Boolean(skip))(`registry with real instances${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let testDb: TestDatabase;
  let database: Database;
  let kv: KeyValueStore;
  let registry: ReturnType<typeof createApp>;
  const registryPort = freePort();
  const registryUrl = `http://127.0.0.1:${registryPort}`;
  const procs = new Map<string, Bun.Subprocess>();

  const startRegistry = () => {
    registry = createApp({
      ...testPlatformDeps({ registryUrl }),
      port: registryPort,
      logger: createLogger({ level: (process.env.TEST_LOG_LEVEL as "warn") ?? "silent" }),
      kv,
      database,
      heartbeatIntervalMs: 500,
      instanceTtlMs: TTL,
      reconciler: {
        tickMs: 50,
        checkIntervalMs: 300,
        checkTimeoutMs: 1_000,
        antiFlap: { successesToPass: 2, failuresToCritical: 2 },
      },
      watchIntervalMs: 100,
    });
    return registry.start().then(() => registry.ready);
  };

  const spawnService = (name: string) => {
    const p = freePort();
    const proc = Bun.spawn(["bun", join(root, `services/${name}/src/main.ts`)], {
      env: {
        ...process.env,
        PORT: String(p),
        REGISTRY_URL: registryUrl,
        SERVICE_TOKEN: testServiceToken,
        DATABASE_URL: testDb.url,
        INSTANCE_TTL_MS: String(TTL),
        HEARTBEAT_INTERVAL_MS: "500",
        LOG_LEVEL: "error",
      },
      stdout: "ignore",
      stderr: "inherit",
    });
    procs.set(name, proc);
    return p;
  };

  const instanceOf = async (service: string): Promise<InstanceRecord | undefined> =>
    (await json(fetch(`${registryUrl}/instances?service=${service}`))).instances.find(
      (i: InstanceRecord) => i.status !== "left",
    );

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await connect({ url: testDb.url });
    await database.migrate("registry");
    kv = connectKv({ url: REDIS_URL, keyPrefix: prefix });
    await startRegistry();
    for (const name of ["trading", "scoring", "kucoin"]) spawnService(name);
    await waitFor(
      async () => {
        const all = await Promise.all(["trading", "scoring", "kucoin"].map(instanceOf));
        return all.every((i) => i?.status === "passing" && i.check?.detail.startsWith("ready"));
      },
      { timeoutMs: 20_000, what: "three instances passing their active checks" },
    );
  }, 30_000);

  afterAll(async () => {
    for (const p of procs.values()) {
      p.kill("SIGCONT");
      p.kill("SIGKILL");
    }
    await registry?.stop();
    for (const key of await kv.keys("")) await kv.delete(key);
    await kv.close();
    await database.close();
    await testDb.drop();
  }, 30_000);

  test("marks a killed instance (kill -9) critical within 1.5 × its TTL", async () => {
    const before = (await instanceOf("kucoin"))!;
    const killedAt = performance.now();
    procs.get("kucoin")!.kill("SIGKILL");
    await waitFor(async () => (await instanceOf("kucoin"))?.status === "critical", { timeoutMs: 10_000 });
    const detectedMs = performance.now() - killedAt;
    expect(detectedMs).toBeLessThanOrEqual(1.5 * TTL);
    const last = await waitFor(async () => {
      const { history } = await json(fetch(`${registryUrl}/instances/${before.id}/history`));
      return history[0].status === "critical" && history[0];
    });
    expect(last.reason).toMatch(/^(failed check: unreachable|missed heartbeats)/);
  }, 15_000);

  test("marks a frozen instance (SIGSTOP) critical by its failing checks and passes it again after SIGCONT only through the anti-flap threshold", async () => {
    const frozen = procs.get("scoring")!;
    const id = (await instanceOf("scoring"))!.id;
    frozen.kill("SIGSTOP");
    await waitFor(async () => (await instanceOf("scoring"))?.status === "critical", { timeoutMs: 10_000 });
    frozen.kill("SIGCONT");
    await waitFor(
      async () => {
        const i = await instanceOf("scoring");
        if (process.env.DEBUG_REG) console.log(JSON.stringify([i?.status, i?.check, i?.lastHeartbeat]));
        return i?.status === "passing";
      },
      { timeoutMs: 10_000 },
    );
    let seen: unknown;
    const history = await waitFor(
      async () => {
        const body = await json(fetch(`${registryUrl}/instances/${id}/history`));
        seen = body.history;
        return body.history[0].status === "passing" && body.history;
      },
      { what: "a passing entry in the history" },
    ).catch(async (e) => {
      const now = await instanceOf("scoring");
      throw new Error(`${e.message}: history ${JSON.stringify(seen)}, instance now ${JSON.stringify(now)}`);
    });
    const [recovered, failed] = history;
    expect(recovered).toMatchObject({ status: "passing", reason: "recovered" });
    expect(failed.status).toBe("critical");
    expect(failed.reason).toMatch(/^(failed check: no answer within 1000 ms|missed heartbeats)$/);
    // Back from silence, it passed again only through its checks (anti-flap), not by heartbeat alone.
    expect((await instanceOf("scoring"))!.check).toMatchObject({ status: "passing", detail: "ready (200)" });
  }, 20_000);

  test("a watching client keeps its view through a registry restart and sees changes after it", async () => {
    const client = createRegistryClient({ url: registryUrl, token: testServiceToken });
    const stop = client.watch();
    await waitFor(() => client.watching, { what: "the watch stream to connect (with its service token)" });
    await waitFor(async () => (await client.resolve("trading")).length === 1);
    await registry.stop("restart");
    // The registry is down: the client still answers from its last view.
    expect((await client.resolve("trading")).length).toBe(1);
    await startRegistry();
    procs.get("trading")!.kill("SIGKILL");
    await waitFor(async () => (await client.resolve("trading")).length === 0, {
      timeoutMs: 10_000,
      what: "the watch to report trading gone",
    });
    await stop();
  }, 20_000);
});
