import { RedisClient } from "bun";
import { checkTtl, KvClosedError, KvConnectionError, KvNotAnIntegerError } from "./errors";
import { checkRule, GCRA_LUA } from "./rate-limit";
import type { KeyValueStore, Lock, SetOptions } from "./types";

/** Options for {@link redisKv}. */
export interface RedisKvOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). Credentials in the URL are used to AUTH. */
  url: string;
  /** Prepended to every key and stripped from `keys()` results, e.g. `"diana:"`. Defaults to `""`. */
  keyPrefix?: string;
  /** How long one connection attempt, and `ping()`, may take. Defaults to 5 s. */
  connectionTimeoutMs?: number;
}

// Only the holder's token may touch a lock; GET and the write run as one script so no one slips in between.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
// The TTL is set only when INCRBY creates the key, in the same script, so a crash cannot leave it immortal.
const INCR = `local created = redis.call('EXISTS', KEYS[1]) == 0
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`;

/** Escapes the glob characters of a SCAN MATCH pattern so a prefix matches literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[\\*?[\]^]/g, "\\$&");
}

/** `host:port` of a Redis URL, without credentials, for error messages. */
function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "6379"}`;
  } catch {
    return "(unparseable url)";
  }
}

const CONNECTION_CODES = new Set([
  "ERR_REDIS_CONNECTION_CLOSED",
  "ERR_REDIS_AUTHENTICATION_FAILED",
  "ERR_REDIS_CONNECTION_TIMEOUT",
  "ERR_REDIS_TLS_NOT_AVAILABLE",
  "ERR_REDIS_TLS_UPGRADE_FAILED",
  "ERR_REDIS_INVALID_PASSWORD",
  "ERR_REDIS_INVALID_USERNAME",
]);

/**
 * A {@link KeyValueStore} over Redis with Bun's built-in client. Locks are `SET NX PX` with a random
 * token, released and extended by Lua scripts that compare the token; `keys()` walks `SCAN`.
 *
 * @example
 * const kv = redisKv({ url: "redis://:secret@127.0.0.1:6379/0", keyPrefix: "diana:" });
 * const lock = await kv.acquireLock("orchestration:BTCUSDT", 5_000);
 * if (lock) try { … } finally { await lock.release(); }
 */
export function redisKv(options: RedisKvOptions): KeyValueStore {
  const prefix = options.keyPrefix ?? "";
  const host = hostOf(options.url);
  const timeoutMs = options.connectionTimeoutMs ?? 5_000;
  const client = new RedisClient(options.url, { connectionTimeout: timeoutMs });
  let closed = false;

  const send = async (command: string, args: string[], key?: string): Promise<unknown> => {
    if (closed) throw new KvClosedError();
    try {
      return await client.send(command, args);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (CONNECTION_CODES.has(code))
        throw new KvConnectionError(host, (error as Error).message, { cause: error });
      if (key !== undefined && /not an integer/i.test((error as Error).message)) {
        throw new KvNotAnIntegerError(key, { cause: error });
      }
      throw error;
    }
  };

  const lock = (key: string, token: string): Lock => ({
    key,
    token,
    async release() {
      return (await send("EVAL", [RELEASE, "1", prefix + key, token])) === 1;
    },
    async extend(ttlMs) {
      const ms = checkTtl(ttlMs);
      return (await send("EVAL", [EXTEND, "1", prefix + key, token, String(ms)])) === 1;
    },
  });

  return {
    kind: "redis",
    async get(key) {
      return (await send("GET", [prefix + key])) as string | null;
    },
    async mget(keys) {
      if (keys.length === 0) return [];
      return (await send(
        "MGET",
        keys.map((k) => prefix + k),
      )) as (string | null)[];
    },
    async set(key, value, options: SetOptions = {}) {
      const args = [prefix + key, value];
      if (options.ttlMs !== undefined) args.push("PX", String(checkTtl(options.ttlMs)));
      if (options.ifAbsent) args.push("NX");
      return (await send("SET", args)) === "OK";
    },
    async delete(key) {
      return (await send("DEL", [prefix + key])) === 1;
    },
    async incr(key, by = 1, options = {}) {
      if (!Number.isSafeInteger(by)) throw new RangeError(`by must be an integer (got ${by})`);
      const ttl = options.ttlMs === undefined ? 0 : checkTtl(options.ttlMs);
      return Number(await send("EVAL", [INCR, "1", prefix + key, String(by), String(ttl)], key));
    },
    async ttl(key) {
      const ms = Number(await send("PTTL", [prefix + key]));
      return ms < 0 ? null : ms;
    },
    async keys(keyPrefix) {
      const match = `${escapeGlob(prefix + keyPrefix)}*`;
      // SCAN may return a key twice while the table rehashes.
      const found = new Set<string>();
      let cursor = "0";
      do {
        const [next, batch] = (await send("SCAN", [cursor, "MATCH", match, "COUNT", "1000"])) as [
          string,
          string[],
        ];
        for (const k of batch) found.add(k.slice(prefix.length));
        cursor = next;
      } while (cursor !== "0");
      return [...found];
    },
    async rateLimit(key, rule, options = {}) {
      checkRule(rule, options);
      const args = [
        String(rule.limit),
        String(rule.windowMs),
        String(options.cost ?? 1),
        options.peek ? "1" : "0",
      ];
      const [allowed, remaining, resetMs, retryAfterMs] = (await send("EVAL", [
        GCRA_LUA,
        "1",
        prefix + key,
        ...args,
      ])) as [number, number, string, string];
      return {
        allowed: allowed === 1,
        limit: rule.limit,
        remaining: Number(remaining),
        resetMs: Number(resetMs),
        retryAfterMs: Number(retryAfterMs),
      };
    },
    async acquireLock(key, ttlMs) {
      const ms = checkTtl(ttlMs);
      const token = crypto.randomUUID();
      const ok = await send("SET", [prefix + key, token, "NX", "PX", String(ms)]);
      return ok === "OK" ? lock(key, token) : null;
    },
    async ping() {
      // While the client reconnects, commands queue for up to ~30 s; a readiness check must answer sooner.
      let timer: Timer | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new KvConnectionError(host, `no answer to PING within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        await Promise.race([send("PING", []), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      client.close();
    },
  };
}
