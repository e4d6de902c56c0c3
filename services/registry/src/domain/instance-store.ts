import type { KeyValueStore } from "@diana/core/kv";
import type { InstanceRecord, InstanceRegistration } from "@diana/core/registry";

export interface InstanceStoreOptions {
  /** Smallest and largest TTL an instance may ask for. Defaults to 1 s and 5 min. */
  minTtlMs?: number;
  maxTtlMs?: number;
  /** How long a record stays listed after its last heartbeat or deregistration. Defaults to 10 min. */
  retentionMs?: number;
  now?: () => number;
}

interface Stored extends InstanceRegistration {
  registeredAt: string;
  lastHeartbeat: string;
  left?: boolean;
}

const RECORD = "registry:instance:";
const ALIVE = "registry:alive:";

/**
 * Instances in the key-value store. A record lives for the retention; a separate `alive` key lives
 * for the instance's TTL and is renewed by each heartbeat, so an instance whose heartbeats stop
 * turns `critical` as soon as its TTL runs out, and stays listed (as critical) until the retention.
 */
export function createInstanceStore(kv: KeyValueStore, options: InstanceStoreOptions = {}) {
  const now = options.now ?? Date.now;
  const minTtl = options.minTtlMs ?? 1_000;
  const maxTtl = options.maxTtlMs ?? 300_000;
  const retentionMs = options.retentionMs ?? 600_000;
  const iso = () => new Date(now()).toISOString();

  const toRecord = (s: Stored, alive: boolean): InstanceRecord => {
    const { left, ...rest } = s;
    return { ...rest, status: left ? "left" : alive ? "passing" : "critical" };
  };

  async function read(id: string): Promise<Stored | null> {
    const raw = await kv.get(RECORD + id);
    return raw ? (JSON.parse(raw) as Stored) : null;
  }

  return {
    async register(input: InstanceRegistration): Promise<InstanceRecord> {
      const ttlMs = Math.min(Math.max(input.ttlMs, minTtl), maxTtl);
      const at = iso();
      const previous = await read(input.id);
      const stored: Stored = {
        ...input,
        ttlMs,
        registeredAt: previous?.registeredAt ?? at,
        lastHeartbeat: at,
      };
      await kv.set(RECORD + input.id, JSON.stringify(stored), { ttlMs: retentionMs });
      await kv.set(ALIVE + input.id, "1", { ttlMs });
      return toRecord(stored, true);
    },

    /** Renews the instance's TTL; null when the registry does not know it (it must register again). */
    async heartbeat(id: string): Promise<InstanceRecord | null> {
      const stored = await read(id);
      if (!stored || stored.left) return null;
      stored.lastHeartbeat = iso();
      await kv.set(RECORD + id, JSON.stringify(stored), { ttlMs: retentionMs });
      await kv.set(ALIVE + id, "1", { ttlMs: stored.ttlMs });
      return toRecord(stored, true);
    },

    /** Marks the instance `left`; false when it is unknown. */
    async deregister(id: string): Promise<boolean> {
      const stored = await read(id);
      if (!stored) return false;
      stored.left = true;
      await kv.set(RECORD + id, JSON.stringify(stored), { ttlMs: retentionMs });
      await kv.delete(ALIVE + id);
      return true;
    },

    async get(id: string): Promise<InstanceRecord | null> {
      const stored = await read(id);
      return stored ? toRecord(stored, (await kv.get(ALIVE + id)) !== null) : null;
    },

    /** Every listed instance, sorted by service then id. */
    async list(): Promise<InstanceRecord[]> {
      const ids = (await kv.keys(RECORD)).map((k) => k.slice(RECORD.length));
      if (ids.length === 0) return [];
      const [records, alive] = await Promise.all([
        kv.mget(ids.map((id) => RECORD + id)),
        kv.mget(ids.map((id) => ALIVE + id)),
      ]);
      const out: InstanceRecord[] = [];
      records.forEach((raw, i) => {
        if (raw) out.push(toRecord(JSON.parse(raw) as Stored, alive[i] !== null));
      });
      return out.sort((a, b) => a.service.localeCompare(b.service) || a.id.localeCompare(b.id));
    },
  };
}

export type InstanceStore = ReturnType<typeof createInstanceStore>;
