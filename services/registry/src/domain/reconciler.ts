import type { KeyValueStore } from "@diana/core/kv";
import type { InstanceRecord } from "@diana/core/registry";
import { type AntiFlapOptions, initialCheck, recordCheck } from "./anti-flap";
import type { History } from "./history";
import { type InstanceStore, MISSED_HEARTBEATS } from "./instance-store";

export interface ReconcilerOptions {
  store: InstanceStore;
  history: History;
  kv: KeyValueStore;
  /** How often statuses are compared and changes recorded. Defaults to 250 ms. */
  tickMs?: number;
  /** How often every instance's `/health/ready` is polled. Defaults to 5 s. */
  checkIntervalMs?: number;
  /** Per-check timeout. Defaults to 2 s. */
  checkTimeoutMs?: number;
  antiFlap?: Partial<AntiFlapOptions>;
  fetch?: typeof fetch;
  now?: () => number;
  /** Called when mass-eviction protection engages or releases. */
  onGuard?: (engaged: boolean, held: string[]) => void;
  onError?: (error: unknown) => void;
}

const LEADER = "registry:reconciler";

async function probe(
  doFetch: typeof fetch,
  url: string,
  timeoutMs: number,
): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await doFetch(`${url}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.ok) return { ok: true, detail: `ready (${res.status})` };
    const body = (await res.json().catch(() => null)) as {
      checks?: Record<string, { status: string; error?: string }>;
    } | null;
    const down = Object.entries(body?.checks ?? {})
      .filter(([, c]) => c.status === "down")
      .map(([name, c]) => `${name}: ${c.error ?? "down"}`);
    return { ok: false, detail: `not ready (${res.status})${down.length ? `: ${down.join("; ")}` : ""}` };
  } catch (e) {
    const timedOut = e instanceof DOMException && e.name === "TimeoutError";
    return {
      ok: false,
      detail: timedOut ? `no answer within ${timeoutMs} ms` : `unreachable: ${(e as Error).message}`,
    };
  }
}

/**
 * The registry's background work, done by one registry at a time (a key-value lock): active checks
 * of every instance with anti-flap thresholds, and a history row for each passing ↔ critical change
 * with its reason. Registration, drains and deregistration are recorded by their routes.
 */
export function createReconciler(options: ReconcilerOptions) {
  const { store, history, kv } = options;
  const tickMs = options.tickMs ?? 250;
  const checkIntervalMs = options.checkIntervalMs ?? 5_000;
  const checkTimeoutMs = options.checkTimeoutMs ?? 2_000;
  const antiFlap: AntiFlapOptions = { successesToPass: 2, failuresToCritical: 3, ...options.antiFlap };
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => {});
  const last = new Map<string, InstanceRecord["status"]>();
  let guardEngaged = false;
  let lock: Awaited<ReturnType<KeyValueStore["acquireLock"]>> = null;
  let timers: Timer[] = [];
  let checking = false;
  const updateCheck = store.updateCheck;

  let leading: Promise<boolean> | undefined;
  // Ticks and check rounds ask at the same time; one question at a time keeps a held lock from being
  // overwritten by a concurrent failed attempt.
  const lead = (): Promise<boolean> => {
    leading ??= (async () => {
      const ttl = Math.max(checkIntervalMs, tickMs) * 3;
      if (lock && (await lock.extend(ttl))) return true;
      lock = await kv.acquireLock(LEADER, ttl);
      return lock !== null;
    })().finally(() => {
      leading = undefined;
    });
    return leading;
  };

  let ticking = false;
  async function tick(): Promise<void> {
    // One round at a time: a round that outlasts `tickMs` must not compare against a staler view.
    if (ticking) return;
    ticking = true;
    try {
      await compare();
    } finally {
      ticking = false;
    }
  }

  async function compare(): Promise<void> {
    const fleet = await store.view();
    if (fleet.guard.engaged !== guardEngaged) {
      guardEngaged = fleet.guard.engaged;
      options.onGuard?.(guardEngaged, fleet.guard.held);
    }
    for (const i of fleet.instances) {
      const before = last.get(i.id);
      if (before === undefined || before === i.status || i.status === "left" || before === "left") {
        last.set(i.id, i.status);
        continue;
      }
      const cause = i.check?.status === "critical" ? (i.check.cause ?? i.check.detail) : MISSED_HEARTBEATS;
      const reason =
        i.status !== "critical"
          ? "recovered"
          : cause === MISSED_HEARTBEATS
            ? cause
            : `failed check: ${cause}`;
      if (i.status === "critical" && i.check?.status !== "critical") {
        // Coming back from silence must pass the same anti-flap threshold as coming back from failed checks.
        const at = new Date(now()).toISOString();
        await updateCheck(i.id, () => ({
          status: "critical",
          successes: 0,
          failures: antiFlap.failuresToCritical,
          detail: MISSED_HEARTBEATS,
          cause: MISSED_HEARTBEATS,
          at,
        }));
      }
      await history.append({
        instanceId: i.id,
        service: i.service,
        status: i.status,
        reason,
        detail: { lastHeartbeat: i.lastHeartbeat, check: i.check },
      });
      // Only once it is kept: a round that fails before this records the change on the next round.
      last.set(i.id, i.status);
    }
  }

  async function checkAll(): Promise<void> {
    if (checking) return;
    checking = true;
    try {
      const { instances } = await store.view();
      await Promise.all(
        instances
          .filter((i) => i.status !== "left")
          .map(async (i) => {
            const result = await probe(doFetch, i.url, checkTimeoutMs);
            const at = new Date(now()).toISOString();
            await updateCheck(i.id, (previous) =>
              recordCheck(previous ?? initialCheck(at), result.ok, result.detail, at, antiFlap),
            );
          }),
      );
    } finally {
      checking = false;
    }
  }

  const guarded = (work: () => Promise<void>) => async () => {
    try {
      if (await lead()) await work();
    } catch (e) {
      onError(e);
    }
  };

  return {
    /** One comparison round (tests drive it directly). */
    tick,
    /** One round of active checks (tests drive it directly). */
    checkAll,
    /** Tells the reconciler about a status a route just recorded, so it is not recorded twice. */
    observe(id: string, status: InstanceRecord["status"]) {
      last.set(id, status);
    },
    start() {
      timers = [setInterval(guarded(tick), tickMs), setInterval(guarded(checkAll), checkIntervalMs)];
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      timers = [];
      await lock?.release().catch(() => false);
      lock = null;
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
