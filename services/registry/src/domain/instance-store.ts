import type { KeyValueStore } from "@diana/core/kv";
import type { Drain, InstanceRecord, InstanceRegistration } from "@diana/core/registry";
import type { CheckState } from "./anti-flap";
import { decideEviction, type EvictionGuardOptions } from "./eviction-guard";

export interface InstanceStoreOptions {
  /** Smallest and largest TTL an instance may ask for. Defaults to 1 s and 5 min. */
  minTtlMs?: number;
  maxTtlMs?: number;
  /** How long a record stays listed after its last heartbeat or deregistration. Defaults to 10 min. */
  retentionMs?: number;
  /** Mass-eviction protection. Defaults to 50 % of at least 3 instances. */
  guard?: Partial<EvictionGuardOptions>;
  now?: () => number;
}

interface Stored extends InstanceRegistration {
  registeredAt: string;
  lastHeartbeat: string;
  left?: boolean;
  drained?: Drain | null;
}

/** The fleet as one read sees it, with the eviction guard's verdict. */
export interface FleetView {
  instances: InstanceRecord[];
  guard: { engaged: boolean; held: string[] };
}

const RECORD = "registry:instance:";
const ALIVE = "registry:alive:";
const CHECK = "registry:check:";
/**
 * An operator's drain lives in a key of its own: heartbeats rewrite the record every few seconds, and a
 * drain written into it could be lost to a heartbeat that read the record just before.
 */
const DRAIN = "registry:drain:";

/** The check detail (and history reason) of an instance that went silent. */
export const MISSED_HEARTBEATS = "missed heartbeats";

/**
 * Instances in the key-value store. A record lives for the retention; an `alive` key lives for the
 * instance's TTL and is renewed by each heartbeat; a `check` key holds the last active-check state.
 * Status is derived on every read, so any registry instance answers the same.
 */
export function createInstanceStore(kv: KeyValueStore, options: InstanceStoreOptions = {}) {
  const now = options.now ?? Date.now;
  const minTtl = options.minTtlMs ?? 1_000;
  const maxTtl = options.maxTtlMs ?? 300_000;
  const retentionMs = options.retentionMs ?? 600_000;
  const guard: EvictionGuardOptions = { maxShare: 0.5, minInstances: 3, maxHoldMs: 60_000, ...options.guard };
  const iso = () => new Date(now()).toISOString();

  async function read(id: string): Promise<Stored | null> {
    const raw = await kv.get(RECORD + id);
    return raw ? (JSON.parse(raw) as Stored) : null;
  }
  const write = (s: Stored) => kv.set(RECORD + s.id, JSON.stringify(s), { ttlMs: retentionMs });
  const loadCheck = async (id: string): Promise<CheckState | null> => {
    const raw = await kv.get(CHECK + id);
    return raw ? (JSON.parse(raw) as CheckState) : null;
  };
  const pending = new Map<string, Promise<void>>();
  /** Read-modify-write of one instance's check state, one at a time within this registry. */
  const updateCheck = (id: string, next: (previous: CheckState | null) => CheckState): Promise<void> => {
    const run = (pending.get(id) ?? Promise.resolve())
      .then(async () => {
        await kv.set(CHECK + id, JSON.stringify(next(await loadCheck(id))), { ttlMs: retentionMs });
      })
      .finally(() => {
        if (pending.get(id) === run) pending.delete(id);
      });
    pending.set(id, run);
    return run;
  };

  async function view(ids: string[]): Promise<FleetView> {
    if (ids.length === 0) return { instances: [], guard: { engaged: false, held: [] } };
    const [records, alive, checks, drains] = await Promise.all([
      kv.mget(ids.map((id) => RECORD + id)),
      kv.mget(ids.map((id) => ALIVE + id)),
      kv.mget(ids.map((id) => CHECK + id)),
      kv.mget(ids.map((id) => DRAIN + id)),
    ]);
    const rows = records.flatMap((raw, i) =>
      raw
        ? [
            {
              stored: JSON.parse(raw) as Stored,
              alive: alive[i] !== null,
              check: checks[i] ? (JSON.parse(checks[i]!) as CheckState) : null,
              drained: drains[i] ? (JSON.parse(drains[i]!) as Drain) : null,
            },
          ]
        : [],
    );
    // Not part of "at once": instances already evicted for silence (the reconciler marked them), and
    // those silent for longer than a hold may last.
    const evicted = (r: (typeof rows)[number]) =>
      !r.alive &&
      ((r.check?.status === "critical" && r.check.cause === MISSED_HEARTBEATS) ||
        now() - Date.parse(r.stored.lastHeartbeat) > r.stored.ttlMs + guard.maxHoldMs);
    const live = rows.filter((r) => !r.stored.left && !evicted(r));
    const decision = decideEviction(
      live.length,
      live.filter((r) => !r.alive).map((r) => r.stored.id),
      guard,
    );
    const held = new Set(decision.hold);
    const instances = rows.map(({ stored, alive: isAlive, check, drained }) => {
      const { left, drained: _legacy, ...rest } = stored;
      const heldNow = held.has(stored.id);
      const status = left
        ? "left"
        : (!isAlive && !heldNow) || check?.status === "critical"
          ? "critical"
          : "passing";
      return {
        ...rest,
        tags: rest.tags ?? [],
        configVersion: rest.configVersion ?? null,
        status,
        drained,
        check: check && {
          status: check.status,
          detail: check.detail,
          at: check.at,
          ...(check.cause ? { cause: check.cause } : {}),
        },
        protected: heldNow,
        routable: status === "passing" && !drained,
      } satisfies InstanceRecord;
    });
    instances.sort((a, b) => a.service.localeCompare(b.service) || a.id.localeCompare(b.id));
    return { instances, guard: { engaged: decision.engaged, held: decision.hold } };
  }

  return {
    async register(input: InstanceRegistration): Promise<InstanceRecord> {
      const ttlMs = Math.min(Math.max(input.ttlMs, minTtl), maxTtl);
      const at = iso();
      const previous = await read(input.id);
      // A restart under the same id keeps an operator's drain (its own key): it was about the instance.
      const stored: Stored = {
        ...input,
        ttlMs,
        registeredAt: previous?.registeredAt ?? at,
        lastHeartbeat: at,
      };
      await write(stored);
      await kv.set(ALIVE + input.id, "1", { ttlMs });
      return (await this.get(input.id))!;
    },

    /**
     * Renews the instance's TTL; false when the registry does not know it (it must register again).
     * An instance back from silence stays critical until its checks pass the anti-flap threshold,
     * however quickly it came back.
     */
    async heartbeat(id: string, configVersion?: number | null): Promise<boolean> {
      const stored = await read(id);
      if (!stored || stored.left) return false;
      const silent = (await kv.get(ALIVE + id)) === null;
      // Held by mass-eviction protection, it never stopped being passing: nothing to recover from.
      if (silent && !(await this.view()).guard.held.includes(id)) {
        const at = iso();
        await updateCheck(id, (previous) => ({
          status: "critical",
          successes: 0,
          failures: Math.max(previous?.failures ?? 0, 1),
          detail: MISSED_HEARTBEATS,
          cause: MISSED_HEARTBEATS,
          at,
        }));
      }
      stored.lastHeartbeat = iso();
      if (configVersion !== undefined) stored.configVersion = configVersion;
      await write(stored);
      await kv.set(ALIVE + id, "1", { ttlMs: stored.ttlMs });
      return true;
    },

    /** Marks the instance `left`; false when it is unknown. */
    async deregister(id: string): Promise<Stored | null> {
      const stored = await read(id);
      if (!stored) return null;
      stored.left = true;
      await write(stored);
      await kv.delete(ALIVE + id);
      return stored;
    },

    /** Takes the instance out of rotation (or puts it back with `null`); null when unknown. */
    async setDrain(id: string, drain: Drain | null): Promise<Stored | null> {
      const stored = await read(id);
      if (!stored) return null;
      if (drain) await kv.set(DRAIN + id, JSON.stringify(drain), { ttlMs: retentionMs });
      else await kv.delete(DRAIN + id);
      return stored;
    },

    updateCheck,
    loadCheck,

    async get(id: string): Promise<InstanceRecord | null> {
      // Status depends on the whole fleet (the eviction guard), so read it through the fleet view.
      return (await this.view()).instances.find((i) => i.id === id) ?? null;
    },

    async view(): Promise<FleetView> {
      return view((await kv.keys(RECORD)).map((k) => k.slice(RECORD.length)));
    },

    /** Every listed instance, sorted by service then id. */
    async list(): Promise<InstanceRecord[]> {
      return (await this.view()).instances;
    },
  };
}

export type InstanceStore = ReturnType<typeof createInstanceStore>;
