import { checkTtl, KvClosedError, KvNotAnIntegerError } from "./errors";
import { gcra } from "./rate-limit";
import type { KeyValueStore, Lock, SetOptions } from "./types";

/** Options for {@link memoryKv}. */
export interface MemoryKvOptions {
  /** The clock TTLs are measured against, in milliseconds. Defaults to `Date.now`. */
  now?: () => number;
}

interface Entry {
  value: string;
  /** Absolute expiry on the injected clock; undefined when the key lives until deleted. */
  expiresAt: number | undefined;
}

/**
 * An in-memory {@link KeyValueStore} for one process: the embedded default and the twin used in tests.
 * Expired keys are dropped when read, and swept on writes so memory does not grow without bound.
 *
 * @example
 * let now = 0;
 * const kv = memoryKv({ now: () => now });
 * await kv.set("session", "abc", { ttlMs: 1_000 });
 * now += 1_001;
 * await kv.get("session"); // null
 */
export function memoryKv(options: MemoryKvOptions = {}): KeyValueStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  let closed = false;
  let writesSinceSweep = 0;

  const open = () => {
    if (closed) throw new KvClosedError();
  };

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  // A full sweep once the writes since the last one reach half the map: amortised O(1) per write.
  const write = (key: string, entry: Entry) => {
    entries.set(key, entry);
    if (++writesSinceSweep < Math.max(64, entries.size / 2)) return;
    writesSinceSweep = 0;
    const at = now();
    for (const [k, e] of entries) if (e.expiresAt !== undefined && e.expiresAt <= at) entries.delete(k);
  };

  const owns = (key: string, token: string) => live(key)?.value === token;

  const lock = (key: string, token: string): Lock => ({
    key,
    token,
    async release() {
      open();
      return owns(key, token) && entries.delete(key);
    },
    async extend(ttlMs) {
      open();
      const ms = checkTtl(ttlMs);
      if (!owns(key, token)) return false;
      write(key, { value: token, expiresAt: now() + ms });
      return true;
    },
  });

  const store: KeyValueStore = {
    kind: "memory",
    async get(key) {
      open();
      return live(key)?.value ?? null;
    },
    async mget(keys) {
      open();
      return keys.map((k) => live(k)?.value ?? null);
    },
    async set(key, value, options: SetOptions = {}) {
      open();
      const expiresAt = options.ttlMs === undefined ? undefined : now() + checkTtl(options.ttlMs);
      if (options.ifAbsent && live(key)) return false;
      write(key, { value, expiresAt });
      return true;
    },
    async delete(key) {
      open();
      return live(key) !== undefined && entries.delete(key);
    },
    async incr(key, by = 1, options = {}) {
      open();
      if (!Number.isSafeInteger(by)) throw new RangeError(`by must be an integer (got ${by})`);
      const ttl = options.ttlMs === undefined ? undefined : checkTtl(options.ttlMs);
      const entry = live(key);
      const current = entry === undefined ? 0 : Number(entry.value);
      if (!/^-?\d+$/.test(entry?.value ?? "0") || !Number.isSafeInteger(current))
        throw new KvNotAnIntegerError(key);
      const next = current + by;
      const expiresAt = entry ? entry.expiresAt : ttl === undefined ? undefined : now() + ttl;
      write(key, { value: String(next), expiresAt });
      return next;
    },
    async ttl(key) {
      open();
      const entry = live(key);
      return entry?.expiresAt === undefined ? null : entry.expiresAt - now();
    },
    async keys(prefix) {
      open();
      return [...entries.keys()].filter((k) => k.startsWith(prefix) && live(k));
    },
    async rateLimit(key, rule, options) {
      open();
      const at = now();
      const stored = live(key)?.value;
      const { result, tat } = gcra(stored === undefined ? null : Number(stored), at, rule, options);
      if (tat !== undefined) write(key, { value: String(tat), expiresAt: Math.ceil(tat) });
      return result;
    },
    async acquireLock(key, ttlMs) {
      open();
      const ms = checkTtl(ttlMs);
      if (live(key)) return null;
      const token = crypto.randomUUID();
      write(key, { value: token, expiresAt: now() + ms });
      return lock(key, token);
    },
    async ping() {
      open();
    },
    async close() {
      closed = true;
      entries.clear();
    },
  };
  return store;
}
