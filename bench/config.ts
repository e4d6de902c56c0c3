/**
 * Config push latency: publish a release → all eleven services applied it and their acks are
 * recorded, over 50 publishes, next to a raw Redis PUBLISH → SUBSCRIBE to eleven subscribers in the
 * same run. Real Postgres (a throwaway database, dropped after) and Redis on loopback.
 * Usage: bun run bench/config.ts [publishes]   (default 50)
 */
import { createApp } from "@diana/config";
import { createConfigClient } from "@diana/core/config";
import * as testing from "@diana/core/testing";
import { freePort, testPlatformDeps, testServiceToken } from "@diana/core/testing";
import { connect, serviceNames } from "@diana/db";
import { createTestDatabase } from "@diana/db/testing";
import { Type } from "@sinclair/typebox";
import { RedisClient } from "bun";
import { dropOnInterrupt } from "./lib/interrupt";
import { summaryBlock } from "./lib/machine";

/** The eleven services, one config client each. */
const SERVICES = serviceNames;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

// The service-token scheme is moving to tokens signed with the shared secret; use the kit's helper when it has one.
const signed = (testing as { testServiceBearer?: () => Promise<string> }).testServiceBearer;
const bearer = async () => (signed ? signed() : `Bearer ${testServiceToken}`);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const stats = (samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1)! };
};
const fmt = (v: { p50: number; p95: number; p99: number; max: number }) =>
  `p50 ${v.p50.toFixed(2)} ms · p95 ${v.p95.toFixed(2)} ms · p99 ${v.p99.toFixed(2)} ms · max ${v.max.toFixed(2)} ms`;

/** A promise and its resolver, for "the last of eleven arrived". */
function countdown(n: number) {
  let left = n;
  let done!: () => void;
  const reached = new Promise<void>((r) => {
    done = r;
  });
  return { hit: () => --left === 0 && done(), reached };
}

async function configRun(publishes: number) {
  const testDb = await createTestDatabase();
  const dropDatabase = dropOnInterrupt(() => testDb.drop());
  const database = await connect({ url: testDb.url, max: 20 });
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = createApp({ ...testPlatformDeps(), port, database });
  const clients: Array<ReturnType<typeof createConfigClient>> = [];
  try {
    await database.migrate("config");
    await service.start();
    await service.ready;
    const schema = Type.Object({ n: Type.Integer({ default: 0 }) });
    let acked = countdown(SERVICES.length);
    let applied = countdown(SERVICES.length);
    let target = 0;
    for (const name of SERVICES) {
      // Watches the client's own ack: resolved once the config service answered that it recorded it.
      const watching: typeof fetch = Object.assign(
        async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
          const res = await fetch(input, init);
          if (
            String(input).endsWith("/applied") &&
            res.ok &&
            JSON.parse(String(init?.body)).version === target
          )
            acked.hit();
          return res;
        },
        { preconnect: fetch.preconnect },
      );
      const token = async () => (await bearer()).slice(7);
      const c = createConfigClient({
        url,
        namespace: "global",
        schema,
        token,
        instanceId: `${name}-bench`,
        fetch: watching,
      });
      c.onChange((next) => next.version === target && applied.hit());
      await c.start();
      clients.push(c);
    }
    while (!clients.every((c) => c.status().streaming)) await Bun.sleep(5);
    const headers = { authorization: await bearer(), "content-type": "application/json" };
    const toAcked: number[] = [];
    const toApplied: number[] = [];
    const publishOnly: number[] = [];
    for (let i = 0; i < publishes + 5; i++) {
      target = i + 1;
      acked = countdown(SERVICES.length);
      applied = countdown(SERVICES.length);
      const t0 = performance.now();
      const res = await fetch(`${url}/namespaces/global/releases`, {
        method: "POST",
        headers,
        body: JSON.stringify({ content: { n: target }, message: `#${target}` }),
      });
      if (res.status !== 201) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
      const t1 = performance.now();
      await applied.reached;
      const t2 = performance.now();
      await acked.reached;
      const t3 = performance.now();
      if (i < 5) continue; // warm-up
      publishOnly.push(t1 - t0);
      toApplied.push(t2 - t0);
      toAcked.push(t3 - t0);
      await Bun.sleep(20);
    }
    return { toAcked: stats(toAcked), toApplied: stats(toApplied), publish: stats(publishOnly) };
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    await service.stop("bench done");
    await database.close();
    await dropDatabase();
  }
}

async function redisRun(rounds: number) {
  const channel = `diana-bench:config:${crypto.randomUUID()}`;
  const publisher = new RedisClient(REDIS_URL);
  const subscribers = SERVICES.map(() => new RedisClient(REDIS_URL));
  try {
    let got = countdown(subscribers.length);
    for (const s of subscribers) await s.subscribe(channel, () => got.hit());
    const samples: number[] = [];
    for (let i = 0; i < rounds + 5; i++) {
      got = countdown(subscribers.length);
      const t0 = performance.now();
      await publisher.publish(channel, JSON.stringify({ n: i }));
      await got.reached;
      if (i >= 5) samples.push(performance.now() - t0);
      await Bun.sleep(20);
    }
    return stats(samples);
  } finally {
    for (const s of subscribers) s.close();
    publisher.close();
  }
}

export async function main(publishes = 50) {
  const config = await configRun(publishes);
  const redis = await redisRun(publishes);
  console.log(
    summaryBlock(`config push: publish → ${SERVICES.length} clients applied and acked, n=${publishes}`, [
      ["publish (POST answered)", fmt(config.publish)],
      ["publish → all applied", fmt(config.toApplied)],
      ["publish → all acks recorded", fmt(config.toAcked)],
      [`redis PUBLISH → ${SERVICES.length} SUBSCRIBE`, fmt(redis)],
      ["acked p50 / redis p50", `${(config.toAcked.p50 / redis.p50).toFixed(1)}×`],
      [
        "goal p99 ≤ 100 ms",
        config.toAcked.p99 <= 100
          ? `met (${config.toAcked.p99.toFixed(1)} ms)`
          : `missed (${config.toAcked.p99.toFixed(1)} ms)`,
      ],
    ]),
  );
  return { config, redis };
}

if (import.meta.main) await main(Number(Bun.argv[2] ?? 50));
