import type { Static, TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Value } from "@sinclair/typebox/value";
import { readSse } from "../http/sse";
import { fileReleaseCache, noReleaseCache } from "./client-cache";
import { type AppliedReport, RELEASE_EVENT, type Release } from "./release";

/**
 * One release as an instance runs it: frozen, validated against the instance's own schema (with its
 * defaults filled in). Read it once per request with `current()` and use that object throughout, so
 * a request never sees two releases.
 */
export interface ConfigSnapshot<T> {
  /** The release's version; 0 when running on the schema's defaults (no release yet). */
  readonly version: number;
  readonly hash: string | null;
  readonly value: Readonly<T>;
  /** Where it came from: the config service, the on-disk cache (service unreachable at start), or defaults. */
  readonly source: "service" | "cache" | "defaults";
}

export type ConfigClientEvent =
  | { type: "applied"; version: number }
  | { type: "rejected"; version: number; errors: string[] }
  | { type: "stream-connected" }
  | { type: "stream-lost"; error?: unknown; retryInMs: number }
  | { type: "load-failed"; error: unknown }
  | { type: "ack-failed"; error: unknown }
  | { type: "listener-failed"; error: unknown }
  | { type: "cache-failed"; error: unknown };

export interface ConfigClientOptions<S extends TSchema> {
  /** Base URL of the config service, e.g. `http://127.0.0.1:8020`. */
  url: string;
  namespace: string;
  /** The instance's own view of its namespace; every release is checked against it. */
  schema: S;
  /** The bearer for the stream and the applied reports: the service token, or a function returning a fresh one. */
  token: string | (() => string | Promise<string>);
  /** Reported with each applied version. */
  instanceId: string;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Clock for the TTL. Defaults to `Date.now`. */
  now?: () => number;
  /** How long a release counts as fresh without word from the service; then `current()` revalidates by version. Defaults to 30 s. */
  ttlMs?: number;
  /** Keeps the last good release in `<cacheDir>/config-cache/<namespace>.json` (pass `DIANA_DATA_DIR`). Defaults to no cache. */
  cacheDir?: string;
  /** Push over SSE. Defaults to true; without it the client relies on the TTL. */
  stream?: boolean;
  /** Reconnect delay: doubles from `initialMs` to `maxMs` with full jitter. Defaults to 100 ms and 5 s. */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** Per request (load, revalidate, report). Defaults to 3 s. */
  requestTimeoutMs?: number;
  /** Defaults to `Math.random`. */
  random?: () => number;
  /** What happened; telemetry subscribes here. The client never logs. */
  onEvent?: (event: ConfigClientEvent) => void;
}

/** Thrown by `start()` when no release, cache or valid defaults exist to run on. */
export class ConfigUnavailableError extends Error {
  override readonly name = "ConfigUnavailableError";
  readonly code = "CONFIG_UNAVAILABLE" as const;
  constructor(namespace: string, detail: string, options?: { cause?: unknown }) {
    super(`no usable configuration for ${namespace}: ${detail}`, options);
  }
}

export interface ConfigClient<T> {
  /** Loads the current release (or the cache, or defaults), then follows the stream. */
  start(): Promise<ConfigSnapshot<T>>;
  /** The release in force. Take it once per request; it never changes under you. */
  current(): ConfigSnapshot<T>;
  /** Calls `listener(next, previous)` after each applied release; returns the unsubscribe function. */
  onChange(listener: (next: ConfigSnapshot<T>, previous: ConfigSnapshot<T>) => void): () => void;
  /** Readiness check: throws while the instance runs on a cache or defaults because the service was never reached. */
  check(): Promise<void>;
  /** Asks the service whether a newer version exists (a 304 when not), and applies it. */
  revalidate(): Promise<void>;
  /** For `/ops/config`. */
  status(): {
    namespace: string;
    version: number;
    seen: number;
    source: ConfigSnapshot<T>["source"];
    streaming: boolean;
    fresh: boolean;
  };
  stop(): Promise<void>;
}

const deepFreeze = <V>(value: V): V => {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};

/**
 * The hot-reload configuration client. Loads the namespace's current release at start, follows the
 * config service's SSE stream (reconnecting with backoff and `Last-Event-ID`), checks each release
 * against the instance's own TypeBox schema, keeps the last good release when a new one is invalid,
 * calls `onChange(next, previous)`, revalidates by version once the TTL passes, and reports each
 * applied or rejected version back to the config service.
 *
 * @example
 * const limits = createConfigClient({
 *   url: env.CONFIG_URL, namespace: "risk-guard", token: env.SERVICE_TOKEN, instanceId: service.info.instanceId,
 *   schema: Type.Object({ maxOrderSize: Type.String({ default: "1000" }) }),
 *   cacheDir: env.DIANA_DATA_DIR,
 * });
 * await limits.start();
 * service.addCheck("config", () => limits.check());
 * app.post("/checks", ({ body }) => { const cfg = limits.current().value; … });
 */
export function createConfigClient<S extends TSchema>(
  options: ConfigClientOptions<S>,
): ConfigClient<Static<S>> {
  type T = Static<S>;
  type Snapshot = ConfigSnapshot<T>;
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const ttlMs = options.ttlMs ?? 30_000;
  const timeoutMs = options.requestTimeoutMs ?? 3_000;
  const initialDelay = options.reconnect?.initialMs ?? 100;
  const maxDelay = options.reconnect?.maxMs ?? 5_000;
  const base = `${options.url.replace(/\/$/, "")}/namespaces/${encodeURIComponent(options.namespace)}`;
  const authHeaders = async () => ({
    authorization: `Bearer ${typeof options.token === "string" ? options.token : await options.token()}`,
  });
  const checker = TypeCompiler.Compile(options.schema);
  const emit = (e: ConfigClientEvent) => options.onEvent?.(e);
  const cache = options.cacheDir
    ? fileReleaseCache(options.cacheDir, options.namespace, (error) => emit({ type: "cache-failed", error }))
    : noReleaseCache;
  const listeners = new Set<(next: Snapshot, previous: Snapshot) => void>();

  let snapshot: Snapshot | undefined;
  let seen = 0;
  let reached = false;
  let freshAt = Number.NEGATIVE_INFINITY;
  let streaming = false;
  let stopped = false;
  const abort = new AbortController();
  let streamLoop: Promise<void> | undefined;
  let revalidating: Promise<void> | undefined;
  let ttlTimer: Timer | undefined;
  let pendingAck: AppliedReport | undefined;
  let acking: Promise<void> | undefined;

  const validate = (content: unknown): { value: T } | { errors: string[] } => {
    const value = Value.Default(options.schema, structuredClone(content)) as T;
    if (checker.Check(value)) return { value: deepFreeze(value) };
    return { errors: [...checker.Errors(value)].map((e) => `${e.path || "/"}: ${e.message}`) };
  };

  const report = (r: AppliedReport) => {
    pendingAck = r;
    acking ??= (async () => {
      while (pendingAck && !stopped) {
        const body: AppliedReport = pendingAck;
        try {
          const res = await doFetch(`${base}/instances/${encodeURIComponent(options.instanceId)}/applied`, {
            method: "POST",
            headers: { ...(await authHeaders()), "content-type": "application/json" },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(timeoutMs),
          });
          if (!res.ok) throw new Error(`applied report answered ${res.status}`);
          await res.body?.cancel();
          if (pendingAck === body) pendingAck = undefined;
        } catch (error) {
          emit({ type: "ack-failed", error });
          break; // kept in pendingAck; resent after the stream reconnects
        }
      }
      acking = undefined;
    })();
  };

  const install = (next: Snapshot) => {
    const previous = snapshot;
    snapshot = next;
    if (!previous) return;
    for (const l of listeners) {
      try {
        l(next, previous);
      } catch (error) {
        emit({ type: "listener-failed", error });
      }
    }
  };

  /** Takes a release from the service: applies it if valid and newer, reports either way. */
  const receive = (release: Release) => {
    if (release.version <= seen) return;
    seen = release.version;
    const checked = validate(release.content);
    if ("errors" in checked) {
      emit({ type: "rejected", version: release.version, errors: checked.errors });
      report({
        version: release.version,
        status: "rejected",
        reason: checked.errors.join("; ").slice(0, 2_000),
        runningVersion: snapshot?.version ?? 0,
      });
      return;
    }
    install({ version: release.version, hash: release.hash, value: checked.value, source: "service" });
    cache.write(release);
    emit({ type: "applied", version: release.version });
    report({ version: release.version, status: "applied" });
  };

  const getCurrent = async (ifNoneMatch?: number): Promise<Release | "not-modified" | null> => {
    const headers: Record<string, string> = await authHeaders();
    if (ifNoneMatch) headers["if-none-match"] = `"v${ifNoneMatch}"`;
    const res = await doFetch(`${base}/releases/current`, {
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status === 304) return "not-modified";
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) throw new Error(`config service answered ${res.status}`);
    return (await res.json()) as Release;
  };

  /**
   * What to run when the service gave no usable release: the cached one — only up to `maxVersion`
   * when the service answered, since a newer cache belongs to another history (a reset config
   * database) — else the schema's defaults.
   */
  const fallback = async (cause: string, maxVersion = Number.POSITIVE_INFINITY): Promise<Snapshot> => {
    const cached = await cache.read();
    if (cached && cached.version <= maxVersion) {
      const checked = validate(cached.content);
      if ("value" in checked) {
        seen = Math.max(seen, cached.version);
        return { version: cached.version, hash: cached.hash, value: checked.value, source: "cache" };
      }
    }
    const defaults = validate({});
    if ("value" in defaults) return { version: 0, hash: null, value: defaults.value, source: "defaults" };
    throw new ConfigUnavailableError(
      options.namespace,
      `${cause}, no cached release, and the schema has no complete defaults`,
    );
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      abort.signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });

  const follow = async () => {
    let delay = initialDelay;
    while (!stopped) {
      let error: unknown;
      try {
        const headers: Record<string, string> = { ...(await authHeaders()), accept: "text/event-stream" };
        if (seen > 0) headers["last-event-id"] = String(seen);
        const res = await doFetch(`${base}/stream`, { headers, signal: abort.signal });
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        streaming = true;
        reached = true;
        freshAt = now();
        delay = initialDelay;
        emit({ type: "stream-connected" });
        if (pendingAck) report(pendingAck);
        for await (const message of readSse(res.body)) {
          freshAt = now();
          if (message.event === RELEASE_EVENT && message.data) receive(JSON.parse(message.data) as Release);
        }
      } catch (e) {
        error = e;
      }
      streaming = false;
      if (stopped) break;
      // Full jitter, so a restarted config service is not met by every instance at once.
      const wait = Math.round(random() * delay);
      emit({ type: "stream-lost", error, retryInMs: wait });
      await sleep(wait);
      delay = Math.min(delay * 2, maxDelay);
    }
  };

  const revalidate = (): Promise<void> => {
    revalidating ??= (async () => {
      try {
        const result = await getCurrent(seen);
        reached = true;
        freshAt = now();
        if (result && result !== "not-modified") receive(result);
      } catch (error) {
        emit({ type: "load-failed", error });
      } finally {
        revalidating = undefined;
      }
    })();
    return revalidating;
  };

  const current = (): Snapshot => {
    if (!snapshot) throw new Error(`config client for ${options.namespace} is not started`);
    if (!streaming && !stopped && now() - freshAt >= ttlMs) void revalidate();
    return snapshot;
  };

  return {
    async start() {
      if (snapshot) return snapshot;
      try {
        const answer = await getCurrent();
        const release = answer === "not-modified" ? null : answer;
        reached = true;
        freshAt = now();
        if (release) receive(release);
        // The service answered: a cache may stand in for an invalid release older than it, never for "none yet".
        snapshot ??= await fallback(
          release ? `release ${release.version} is invalid` : "no release yet",
          release ? release.version - 1 : 0,
        );
      } catch (error) {
        emit({ type: "load-failed", error });
        snapshot = await fallback("the config service is unreachable");
      }
      if (options.stream ?? true) streamLoop = follow();
      ttlTimer = setInterval(() => current(), ttlMs);
      ttlTimer.unref?.();
      return snapshot;
    },
    current,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async check() {
      if (!reached)
        throw new Error(
          `config service not reached; running on ${snapshot?.source ?? "nothing"} (version ${snapshot?.version ?? 0})`,
        );
    },
    revalidate,
    status() {
      const s = current();
      return {
        namespace: options.namespace,
        version: s.version,
        seen,
        source: s.source,
        streaming,
        fresh: streaming || now() - freshAt < ttlMs,
      };
    },
    async stop() {
      stopped = true;
      clearInterval(ttlTimer);
      abort.abort();
      await streamLoop;
      await Promise.all([acking, revalidating, cache.flush()]);
    },
  };
}
