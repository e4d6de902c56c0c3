import type { FleetView, InstanceStore } from "./instance-store";

type Listener = (view: FleetView) => void;

/** What a watcher cares about; heartbeat times alone do not make a change. */
const signature = (view: FleetView) =>
  JSON.stringify([
    view.guard.engaged,
    view.instances.map((i) => [
      i.id,
      i.status,
      i.routable,
      i.drained?.reason ?? null,
      i.version,
      i.url,
      i.configVersion,
      i.protected,
    ]),
  ]);

/**
 * Feeds the watch stream: while anyone listens, reads the fleet every `intervalMs` (or at once after
 * `poke()`) and hands listeners the view whenever it changed.
 */
export function createFleetFeed(
  store: InstanceStore,
  intervalMs = 500,
  onError: (e: unknown) => void = () => {},
) {
  const listeners = new Set<Listener>();
  let timer: Timer | undefined;
  let lastSignature = "";
  let lastView: FleetView | undefined;
  let running: Promise<void> | undefined;

  const poll = () => {
    running ??= (async () => {
      try {
        const view = await store.view();
        const sig = signature(view);
        lastView = view;
        if (sig !== lastSignature) {
          lastSignature = sig;
          for (const l of listeners) l(view);
        }
      } catch (e) {
        onError(e);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  return {
    /** Adds a listener; it first gets the current view. Returns the unsubscribe function. */
    async subscribe(listener: Listener): Promise<() => void> {
      listeners.add(listener);
      timer ??= setInterval(poll, intervalMs);
      listener(lastView && listeners.size > 1 ? lastView : await store.view());
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          clearInterval(timer);
          timer = undefined;
          lastSignature = "";
        }
      };
    },
    /** Reads now instead of at the next interval (after a write). */
    poke: () => (listeners.size ? poll() : Promise.resolve()),
    close() {
      clearInterval(timer);
      timer = undefined;
      listeners.clear();
    },
  };
}

export type FleetFeed = ReturnType<typeof createFleetFeed>;
