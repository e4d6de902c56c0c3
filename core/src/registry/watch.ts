import { readSse } from "../http/sse";
import type { InstanceRecord } from "./types";

export interface FleetSnapshot {
  instances: InstanceRecord[];
  guard: { engaged: boolean; held: string[] };
}

export interface WatchOptions {
  /** Base URL of the registry. */
  url: string;
  onSnapshot: (snapshot: FleetSnapshot) => void;
  /** Called when the stream drops; the watch reconnects on its own. */
  onDisconnect?: (error: unknown) => void;
  /** First reconnect delay, doubled up to `maxBackoffMs`. Defaults to 100 ms and 5 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  fetch?: typeof fetch;
}

/**
 * Follows the registry's `/watch` stream, reconnecting with backoff for as long as it runs: a
 * registry restart costs a reconnect, never the caller's view.
 *
 * @example
 * const watch = watchFleet({ url: env.REGISTRY_URL, onSnapshot: (s) => (view = s.instances) });
 * await watch.close();
 */
export function watchFleet(options: WatchOptions) {
  const doFetch = options.fetch ?? fetch;
  const base = options.url.replace(/\/$/, "");
  const first = options.backoffMs ?? 100;
  const max = options.maxBackoffMs ?? 5_000;
  const controller = new AbortController();
  let connected = false;

  const loop = (async () => {
    let delay = first;
    while (!controller.signal.aborted) {
      try {
        const res = await doFetch(`${base}/watch`, {
          signal: controller.signal,
          headers: { accept: "text/event-stream" },
        });
        if (!res.ok || !res.body) throw new Error(`registry answered ${res.status} to /watch`);
        for await (const e of readSse(res.body)) {
          if (e.event !== "snapshot" || !e.data) continue;
          connected = true;
          delay = first;
          options.onSnapshot(JSON.parse(e.data) as FleetSnapshot);
        }
        throw new Error("the watch stream ended");
      } catch (e) {
        connected = false;
        if (controller.signal.aborted) return;
        options.onDisconnect?.(e);
        await Bun.sleep(delay);
        delay = Math.min(delay * 2, max);
      }
    }
  })();

  return {
    /** True while a stream is open and has delivered its first snapshot. */
    get connected() {
      return connected;
    },
    async close(): Promise<void> {
      controller.abort();
      await loop;
    },
  };
}
