import { afterAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { requireServer } from "../testing/require-server";
import { escapeGlob, redisKv } from "./redis";
import { deleteRedisKeys, runKvConformance } from "./testing";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const runPrefix = `diana-test:${crypto.randomUUID().slice(0, 8)}:`;

async function probe(): Promise<void> {
  const client = new RedisClient(url, { connectionTimeout: 1_000, autoReconnect: false });
  try {
    await client.send("PING", []);
  } finally {
    client.close();
  }
}

const server = await requireServer(`Redis at ${new URL(url).host}`, probe);
const skip = server.available ? undefined : server.reason;
const create = async () => redisKv({ url, keyPrefix: runPrefix });

runKvConformance({ name: "redis", create, skip });

const suite = skip ? describe.skip : describe;
suite("redisKv", () => {
  afterAll(async () => {
    const admin = new RedisClient(url);
    await deleteRedisKeys(admin, runPrefix);
    expect(await admin.send("SCAN", ["0", "MATCH", `${escapeGlob(runPrefix)}*`, "COUNT", "1000"])).toEqual([
      "0",
      [],
    ]);
    admin.close();
  });

  test("keyPrefix is prepended on the server and stripped from keys()", async () => {
    const a = redisKv({ url, keyPrefix: `${runPrefix}a:` });
    const b = redisKv({ url, keyPrefix: `${runPrefix}b:` });
    await a.set("k1", "from-a");
    expect(await b.get("k1")).toBeNull();
    expect(await a.keys("")).toEqual(["k1"]);
    const raw = new RedisClient(url);
    expect(await raw.get(`${runPrefix}a:k1`)).toBe("from-a");
    raw.close();
    await Promise.all([a.close(), b.close()]);
  });

  test("a URL with the right password authenticates, a wrong one fails with KV_CONNECTION_FAILED", async () => {
    const user = `diana-test-${crypto.randomUUID().slice(0, 8)}`;
    const password = crypto.randomUUID();
    const admin = new RedisClient(url);
    await admin.send("ACL", ["SETUSER", user, "on", `>${password}`, `~${runPrefix}*`, "+@all"]);
    const at = new URL(url);
    const good = redisKv({ url: `redis://${user}:${password}@${at.host}`, keyPrefix: runPrefix });
    const bad = redisKv({ url: `redis://${user}:not-${password}@${at.host}`, keyPrefix: runPrefix });
    try {
      expect(await good.set("auth", "ok")).toBe(true);
      const error = await bad.ping().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "KV_CONNECTION_FAILED", name: "KvConnectionError" });
      expect((error as Error).message).toContain(at.host);
      expect((error as Error).message).toMatch(/WRONGPASS|auth/i);
      expect((error as Error).message).not.toContain(password);
    } finally {
      await Promise.all([good.close(), bad.close()]);
      await admin.send("ACL", ["DELUSER", user]);
      admin.close();
    }
  });

  test("an unreachable server fails with KV_CONNECTION_FAILED naming the host", async () => {
    const kv = redisKv({ url: "redis://:secret-pw@127.0.0.1:1", connectionTimeoutMs: 500 });
    const error = await kv.ping().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "KV_CONNECTION_FAILED" });
    expect((error as Error).message).toContain("127.0.0.1:1");
    expect((error as Error).message).not.toContain("secret-pw");
    await kv.close();
  });
});

test("escapeGlob makes SCAN MATCH characters literal", () => {
  expect(escapeGlob("a*b?c[d]e\\f")).toBe("a\\*b\\?c\\[d\\]e\\\\f");
});
