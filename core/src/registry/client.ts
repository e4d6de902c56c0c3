import { createServiceTokenSigner } from "../auth/service-token";
import { RegistryUnavailableError } from "./errors";
import type { Discovery, InstanceRecord, InstanceRegistration } from "./types";
import { watchFleet } from "./watch";

export interface RegistryClientOptions {
  /** Base URL of the registry service, e.g. `http://127.0.0.1:8021`. */
  url: string;
  /**
   * The shared `SERVICE_TOKEN` secret. Every request carries a short-lived service token signed with
   * the key derived from it, never the secret itself.
   */
  token: string;
  /** `sub` of those service tokens: the calling service. Defaults to `"diana"`. */
  service?: string;
  /** How long a discovered view is reused before it is refreshed. Defaults to 1 s. */
  cacheMs?: number;
  /** Per-request timeout. Defaults to 2 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * Talks to the registry service: register, heartbeat, deregister, list, and a cached discovery view
 * that keeps serving the last good answer while the registry is unreachable.
 *
 * @example
 * const registry = createRegistryClient({ url: env.REGISTRY_URL, token: env.SERVICE_TOKEN });
 * const [first] = await registry.resolve("trading");
 */
export function createRegistryClient(options: RegistryClientOptions) {
  const base = options.url.replace(/\/$/, "");
  const rawFetch = options.fetch ?? fetch;
  const tokens = createServiceTokenSigner({
    secret: options.token,
    subject: options.service ?? "diana",
    now: options.now,
  });
  const doFetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${await tokens.token()}`);
    return rawFetch(input, { ...init, headers });
  }) as typeof fetch;
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  let view: { at: number; instances: InstanceRecord[] } | undefined;
  let inflight: Promise<InstanceRecord[]> | undefined;
  let watcher: ReturnType<typeof watchFleet> | undefined;

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await doFetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new RegistryUnavailableError(`registry at ${base} did not answer ${method} ${path}`, {
        cause: e,
      });
    }
  }

  async function expectOk(res: Response, what: string): Promise<Response> {
    if (res.ok) return res;
    const text = await res.text().catch(() => "");
    throw new RegistryUnavailableError(`registry refused ${what}: ${res.status} ${text.slice(0, 200)}`);
  }

  async function list(): Promise<InstanceRecord[]> {
    const res = await expectOk(await call("GET", "/instances"), "listing instances");
    const instances = ((await res.json()) as { instances: InstanceRecord[] }).instances;
    view = { at: now(), instances };
    return instances;
  }

  async function cached(): Promise<InstanceRecord[]> {
    if (view && (watcher?.connected || now() - view.at < cacheMs)) return view.instances;
    inflight ??= list().finally(() => {
      inflight = undefined;
    });
    try {
      return await inflight;
    } catch (e) {
      if (view) return view.instances; // stale beats nothing while the registry restarts
      throw e;
    }
  }

  const client = {
    async register(instance: InstanceRegistration): Promise<InstanceRecord> {
      const res = await expectOk(await call("POST", "/instances", instance), `registering ${instance.id}`);
      return (await res.json()) as InstanceRecord;
    },
    /** False when the registry no longer knows the instance (it restarted or evicted it): register again. */
    async heartbeat(id: string, configVersion?: number | null): Promise<boolean> {
      const body = configVersion === undefined ? undefined : { configVersion };
      const res = await call("PUT", `/instances/${encodeURIComponent(id)}/heartbeat`, body);
      if (res.status === 404) return false;
      await expectOk(res, `heartbeat of ${id}`);
      return true;
    },
    async deregister(id: string): Promise<void> {
      const res = await call("DELETE", `/instances/${encodeURIComponent(id)}`);
      if (res.status !== 404) await expectOk(res, `deregistering ${id}`);
    },
    list,
    /** True while the watch stream is open and has delivered a snapshot. */
    get watching(): boolean {
      return watcher?.connected ?? false;
    },
    /**
     * Keeps the discovery view current from the registry's watch stream instead of polling; while
     * the stream is down the view falls back to polling and, failing that, to the last good view.
     * Returns a function that stops watching.
     */
    watch(onDisconnect?: (error: unknown) => void): () => Promise<void> {
      watcher ??= watchFleet({
        url: base,
        fetch: doFetch,
        onSnapshot: (s) => {
          view = { at: now(), instances: s.instances };
        },
        onDisconnect,
      });
      const w = watcher;
      return async () => {
        if (watcher === w) watcher = undefined;
        await w.close();
      };
    },
    /** Routable (passing, not drained) instances of `service`, from a view at most `cacheMs` old. */
    async resolve(service: string) {
      return (await cached()).filter((i) => i.service === service && i.routable);
    },
  } satisfies Discovery & Record<string, unknown>;
  return client;
}

export type RegistryClient = ReturnType<typeof createRegistryClient>;
