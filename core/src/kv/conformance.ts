import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { KeyValueStore } from "./types";

/** Options for {@link runKvConformance}. */
export interface KvConformanceOptions {
  /** Suite name, e.g. `"memory"` or `"redis"`. */
  name: string;
  /** Returns a fresh, connected store. Called before each test; the suite closes it after. */
  create: () => Promise<KeyValueStore>;
  /**
   * Moves the store's clock forward. With it, expiry tests advance the injected clock; without it they
   * use short real TTLs and poll until the key is gone.
   */
  advance?: (ms: number) => Promise<void> | void;
  /** When set, the whole suite is skipped and the reason is shown in its name. */
  skip?: string;
}

/** Polls `check` until it returns true; fails after `timeoutMs` (default 3 s). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(5);
  }
}

/**
 * The behaviour every {@link KeyValueStore} adapter must have. Each adapter's test file calls it once.
 * Keys are namespaced per test, so stores may share a backing server.
 *
 * @example
 * let now = 0;
 * runKvConformance({ name: "memory", create: async () => memoryKv({ now: () => now }), advance: (ms) => { now += ms; } });
 */
export function runKvConformance(options: KvConformanceOptions): void {
  const { create, advance } = options;
  const suite = options.skip ? describe.skip : describe;
  const title = options.skip
    ? `kv conformance: ${options.name} (skipped: ${options.skip})`
    : `kv conformance: ${options.name}`;

  suite(title, () => {
    let kv: KeyValueStore;
    let ns: string;
    const k = (name: string) => `${ns}${name}`;

    /** Lets `ms` pass on the store's clock and waits until `gone` holds. */
    const expire = async (ms: number, gone: () => Promise<boolean>, what: string) => {
      if (advance) {
        await advance(ms);
        expect(await gone()).toBe(true);
      } else {
        await until(gone, what);
      }
    };

    beforeEach(async () => {
      ns = `conf:${crypto.randomUUID()}:`;
      kv = await create();
    });
    afterEach(async () => {
      for (const key of await kv.keys(ns)) await kv.delete(key);
      await kv.close();
    });

    test("get returns what set wrote and null for a missing key", async () => {
      expect(await kv.set(k("a"), "1")).toBe(true);
      expect(await kv.get(k("a"))).toBe("1");
      expect(await kv.get(k("missing"))).toBeNull();
      expect(await kv.set(k("a"), "2")).toBe(true);
      expect(await kv.get(k("a"))).toBe("2");
    });

    test("mget returns values in order with null for missing keys", async () => {
      await kv.set(k("a"), "1");
      await kv.set(k("c"), "3");
      expect(await kv.mget([k("a"), k("b"), k("c")])).toEqual(["1", null, "3"]);
      expect(await kv.mget([])).toEqual([]);
    });

    test("delete reports whether a key was removed", async () => {
      await kv.set(k("a"), "1");
      expect(await kv.delete(k("a"))).toBe(true);
      expect(await kv.delete(k("a"))).toBe(false);
      expect(await kv.get(k("a"))).toBeNull();
    });

    test("ifAbsent writes only when the key does not exist", async () => {
      expect(await kv.set(k("a"), "first", { ifAbsent: true })).toBe(true);
      expect(await kv.set(k("a"), "second", { ifAbsent: true })).toBe(false);
      expect(await kv.get(k("a"))).toBe("first");
    });

    test("a key set with a ttl reports it and expires", async () => {
      await kv.set(k("a"), "1", { ttlMs: 100 });
      await kv.set(k("forever"), "1");
      const left = await kv.ttl(k("a"));
      expect(left).not.toBeNull();
      expect(left!).toBeGreaterThan(0);
      expect(left!).toBeLessThanOrEqual(100);
      expect(await kv.ttl(k("forever"))).toBeNull();
      expect(await kv.ttl(k("missing"))).toBeNull();
      await expire(101, async () => (await kv.get(k("a"))) === null, "the key to expire");
      expect(await kv.ttl(k("a"))).toBeNull();
      expect(await kv.get(k("forever"))).toBe("1");
    });

    test("ifAbsent succeeds once the previous key has expired", async () => {
      await kv.set(k("a"), "old", { ttlMs: 50 });
      await expire(51, async () => kv.set(k("a"), "new", { ifAbsent: true }), "ifAbsent to succeed");
      expect(await kv.get(k("a"))).toBe("new");
    });

    test("set without ttl clears a previous expiry", async () => {
      await kv.set(k("a"), "1", { ttlMs: 10_000 });
      await kv.set(k("a"), "2");
      expect(await kv.ttl(k("a"))).toBeNull();
    });

    test("a ttl that is not positive is rejected", async () => {
      await expect(kv.set(k("a"), "1", { ttlMs: 0 })).rejects.toThrow(RangeError);
      await expect(kv.acquireLock(k("l"), -5)).rejects.toThrow(RangeError);
      expect(await kv.get(k("a"))).toBeNull();
    });

    test("incr starts at zero, adds `by` and returns the new value", async () => {
      expect(await kv.incr(k("n"))).toBe(1);
      expect(await kv.incr(k("n"), 5)).toBe(6);
      expect(await kv.incr(k("n"), -10)).toBe(-4);
      expect(await kv.get(k("n"))).toBe("-4");
    });

    test("incr on a value that is not an integer fails with KV_NOT_AN_INTEGER", async () => {
      await kv.set(k("s"), "abc");
      await expect(kv.incr(k("s"))).rejects.toMatchObject({ code: "KV_NOT_AN_INTEGER" });
      expect(await kv.get(k("s"))).toBe("abc");
    });

    test("200 concurrent incr calls count to 200", async () => {
      const results = await Promise.all(Array.from({ length: 200 }, () => kv.incr(k("n"))));
      expect(await kv.get(k("n"))).toBe("200");
      expect(new Set(results).size).toBe(200);
    });

    test("incr sets the ttl only when it creates the key", async () => {
      await kv.incr(k("n"), 1, { ttlMs: 10_000 });
      await kv.incr(k("n"), 1, { ttlMs: 60_000 });
      await kv.incr(k("n"));
      const left = await kv.ttl(k("n"));
      expect(left!).toBeGreaterThan(0);
      expect(left!).toBeLessThanOrEqual(10_000);
      await kv.incr(k("plain"));
      expect(await kv.ttl(k("plain"))).toBeNull();
    });

    test("an incr counter starts over after it expires", async () => {
      await kv.incr(k("n"), 3, { ttlMs: 80 });
      await expire(81, async () => (await kv.get(k("n"))) === null, "the counter to expire");
      expect(await kv.incr(k("n"), 1, { ttlMs: 10_000 })).toBe(1);
    });

    test("keys lists exactly the keys that start with a prefix", async () => {
      await kv.set(k("user:1"), "a");
      await kv.set(k("user:2"), "b");
      await kv.set(k("users"), "c");
      await kv.set(k("order:1"), "d");
      expect((await kv.keys(k("user:"))).sort()).toEqual([k("user:1"), k("user:2")]);
      expect(await kv.keys(k("nothing:"))).toEqual([]);
    });

    test("keys treats glob characters in the prefix literally", async () => {
      for (const name of ["a*b:1", "a*b:2", "axb:1", "a?c:1", "abc:1", "[x]:1", "x:1", "b\\s:1", "bs:1"]) {
        await kv.set(k(name), "v");
      }
      expect((await kv.keys(k("a*b:"))).sort()).toEqual([k("a*b:1"), k("a*b:2")]);
      expect(await kv.keys(k("a?c:"))).toEqual([k("a?c:1")]);
      expect(await kv.keys(k("[x]:"))).toEqual([k("[x]:1")]);
      expect(await kv.keys(k("b\\s:"))).toEqual([k("b\\s:1")]);
    });

    test("keys leaves out expired keys", async () => {
      await kv.set(k("p:short"), "v", { ttlMs: 50 });
      await kv.set(k("p:long"), "v");
      await expire(
        51,
        async () => (await kv.keys(k("p:"))).length === 1,
        "the short key to leave the listing",
      );
      expect(await kv.keys(k("p:"))).toEqual([k("p:long")]);
    });

    test("a lock is exclusive while held", async () => {
      const lock = await kv.acquireLock(k("lock"), 10_000);
      expect(lock).not.toBeNull();
      expect(lock!.key).toBe(k("lock"));
      expect(await kv.acquireLock(k("lock"), 10_000)).toBeNull();
      expect(await lock!.release()).toBe(true);
      expect(await kv.acquireLock(k("lock"), 10_000)).not.toBeNull();
    });

    test("of 20 concurrent acquirers exactly one gets the lock", async () => {
      const locks = await Promise.all(Array.from({ length: 20 }, () => kv.acquireLock(k("lock"), 10_000)));
      expect(locks.filter((l) => l !== null)).toHaveLength(1);
    });

    test("an expired lock is free, and its old holder can neither release nor extend it", async () => {
      const old = await kv.acquireLock(k("lock"), 50);
      expect(old).not.toBeNull();
      let next: Awaited<ReturnType<KeyValueStore["acquireLock"]>> = null;
      await expire(
        51,
        async () => {
          next = await kv.acquireLock(k("lock"), 10_000);
          return next !== null;
        },
        "the lock to expire",
      );
      expect(next!.token).not.toBe(old!.token);
      expect(await old!.release()).toBe(false);
      expect(await old!.extend(10_000)).toBe(false);
      expect(await kv.acquireLock(k("lock"), 10_000)).toBeNull();
      expect(await next!.release()).toBe(true);
    });

    test("a released lock cannot be released twice", async () => {
      const lock = await kv.acquireLock(k("lock"), 10_000);
      expect(await lock!.release()).toBe(true);
      expect(await lock!.release()).toBe(false);
    });

    test("extend pushes the expiry of a held lock", async () => {
      const lock = await kv.acquireLock(k("lock"), 100);
      expect(await lock!.extend(60_000)).toBe(true);
      expect(await kv.ttl(k("lock"))).toBeGreaterThan(10_000);
      if (advance) await advance(1_000);
      expect(await kv.acquireLock(k("lock"), 10_000)).toBeNull();
    });

    test("rateLimit counts down remaining, then refuses with a retry time inside the window", async () => {
      const rule = { limit: 5, windowMs: 60_000 };
      const seen = [];
      for (let i = 0; i < 5; i++) seen.push(await kv.rateLimit(k("rl"), rule));
      expect(seen.map((r) => r.allowed)).toEqual([true, true, true, true, true]);
      expect(seen.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0]);
      const refused = await kv.rateLimit(k("rl"), rule);
      expect(refused).toMatchObject({ allowed: false, limit: 5, remaining: 0 });
      expect(refused.retryAfterMs).toBeGreaterThan(10_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(12_000);
      expect(refused.resetMs).toBeGreaterThan(50_000);
      expect(refused.resetMs).toBeLessThanOrEqual(60_000);
    });

    test("rateLimit admits exactly the limit of 200 concurrent requests", async () => {
      const rule = { limit: 37, windowMs: 600_000 };
      const results = await Promise.all(Array.from({ length: 200 }, () => kv.rateLimit(k("burst"), rule)));
      expect(results.filter((r) => r.allowed)).toHaveLength(37);
      expect(new Set(results.filter((r) => r.allowed).map((r) => r.remaining)).size).toBe(37);
    });

    test("a flood of distinct keys does not reset anyone else's bucket", async () => {
      const rule = { limit: 3, windowMs: 600_000 };
      for (let i = 0; i < 3; i++) await kv.rateLimit(k("victim"), rule);
      await Promise.all(Array.from({ length: 2_000 }, (_, i) => kv.rateLimit(k(`flood:${i}`), rule)));
      expect((await kv.rateLimit(k("victim"), rule)).allowed).toBe(false);
      for (let i = 0; i < 2_000; i += 500) await kv.delete(k(`flood:${i}`));
    });

    test("peek consumes nothing, and a cost takes several units", async () => {
      const rule = { limit: 4, windowMs: 600_000 };
      expect(await kv.rateLimit(k("p"), rule, { peek: true })).toMatchObject({ allowed: true, remaining: 4 });
      expect(await kv.rateLimit(k("p"), rule, { cost: 3 })).toMatchObject({ allowed: true, remaining: 1 });
      expect((await kv.rateLimit(k("p"), rule, { cost: 2 })).allowed).toBe(false);
      expect(await kv.rateLimit(k("p"), rule, { peek: true })).toMatchObject({ allowed: true, remaining: 1 });
      expect((await kv.rateLimit(k("p"), rule)).allowed).toBe(true);
      expect((await kv.rateLimit(k("p"), rule, { peek: true })).allowed).toBe(false);
    });

    test("a refused bucket admits again once a unit has dripped back", async () => {
      const rule = { limit: 2, windowMs: 100 };
      await kv.rateLimit(k("drip"), rule);
      await kv.rateLimit(k("drip"), rule);
      expect((await kv.rateLimit(k("drip"), rule)).allowed).toBe(false);
      await expire(50, async () => (await kv.rateLimit(k("drip"), rule)).allowed, "a unit to drip back");
    });

    test("rateLimit refuses a rule that is not positive", async () => {
      await expect(kv.rateLimit(k("x"), { limit: 0, windowMs: 1_000 })).rejects.toThrow(RangeError);
      await expect(kv.rateLimit(k("x"), { limit: 1, windowMs: 0 })).rejects.toThrow(RangeError);
    });

    test("ping resolves while the store is open", async () => {
      await expect(kv.ping()).resolves.toBeUndefined();
    });

    test("close makes later calls fail and may be called twice", async () => {
      const other = await create();
      await other.set(k("a"), "1");
      await other.close();
      await other.close();
      await expect(other.ping()).rejects.toThrow();
      await expect(other.get(k("a"))).rejects.toThrow();
    });
  });
}
