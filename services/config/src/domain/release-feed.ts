import type { Release } from "@diana/core/config";
import type { Database } from "@diana/db";
import { RELEASED_CHANNEL, type ReleaseStore } from "./release-store";

type Listener = (release: Release) => void;

/**
 * Fans releases out to this instance's streams. A publish here is pushed at once; releases published
 * by other config instances arrive through Postgres LISTEN/NOTIFY and are read back from the store.
 * Listeners may see a version twice or out of order; each stream orders and de-duplicates.
 */
export function createReleaseFeed(database: Database, store: ReleaseStore, onError: (e: unknown) => void) {
  const listeners = new Map<string, Set<Listener>>();
  const seen = new Map<string, number>();
  let listening: Promise<() => Promise<void>> | undefined;

  const emit = (release: Release) => {
    seen.set(release.namespace, Math.max(seen.get(release.namespace) ?? 0, release.version));
    for (const l of listeners.get(release.namespace) ?? []) l(release);
  };

  const onNotify = (payload: string) => {
    const { namespace, version } = JSON.parse(payload) as { namespace: string; version: number };
    if (!listeners.get(namespace)?.size || version <= (seen.get(namespace) ?? 0)) return;
    store.version(namespace, version).then(emit, onError);
  };

  return {
    /** Pushes a release published by this instance. */
    emit,
    /** Calls `listener` with each release of `namespace`; returns the unsubscribe function. */
    subscribe(namespace: string, listener: Listener): () => void {
      listening ??= database.listen(RELEASED_CHANNEL, onNotify);
      listening.catch((e) => {
        listening = undefined;
        onError(e);
      });
      const set = listeners.get(namespace) ?? new Set<Listener>();
      listeners.set(namespace, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    async close() {
      const unlisten = await listening?.catch(() => undefined);
      listening = undefined;
      await unlisten?.().catch(() => {});
    },
  };
}

export type ReleaseFeed = ReturnType<typeof createReleaseFeed>;
