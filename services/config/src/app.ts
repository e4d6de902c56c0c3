import type { Release } from "@diana/core/config";
import { createPlatformService, type PlatformDeps } from "@diana/core/service";
import { type Database, serviceNames } from "@diana/db";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";
import { createReleaseFeed } from "./domain/release-feed";
import { createReleaseStore } from "./domain/release-store";
import { instanceRoutes } from "./routes/instances";
import { namespaceRoutes } from "./routes/namespaces";
import { releaseRoutes } from "./routes/releases";
import { streamRoutes } from "./routes/stream";

export const meta = {
  name: "config" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description:
    "Configuration releases per namespace: schema-checked, immutable versions, diff, rollback and audit.",
};

/**
 * With `bus` (from the platform deps), each release is also announced as `config.released`, through the
 * service's outbox in the release's own transaction: a release and its event are written together or not
 * at all, and the relay publishes the event whenever the broker takes it.
 */
export interface ConfigDeps extends PlatformDeps {
  database: Database;
  /** Namespaces created (with an open schema) on first use. Defaults to the eleven services and `global`. */
  namespaces?: readonly string[];
  /** Interval of the SSE heartbeat comments. Defaults to 15 s. */
  streamHeartbeatMs?: number;
}

/** Builds the config service. No I/O until `start()` or the first request. */
export function createApp(deps: ConfigDeps) {
  const service = createPlatformService(meta, deps);
  const outbox = service.outbox;
  const store = createReleaseStore(deps.database, {
    seed: deps.namespaces ?? [...serviceNames, "global"],
    announce: outbox && ((tx, release) => outbox.enqueue(tx, releasedEvent(release))),
  });
  const onError = (e: unknown) => service.log.warn("release push failed", { error: e });
  const feed = createReleaseFeed(deps.database, store, onError);
  const open = new Set<() => void>();

  const onRelease = (release: Release) => feed.emit(release);

  service.attach({
    // Streams never end on their own: close them so the server can drain, and clients reconnect elsewhere.
    onDrain: () => {
      for (const close of [...open]) close();
    },
    onStop: () => feed.close(),
  });
  const app = service.app
    .use(namespaceRoutes(store))
    .use(releaseRoutes(store, onRelease))
    .use(streamRoutes({ store, feed, open, heartbeatMs: deps.streamHeartbeatMs ?? 15_000, onError }))
    .use(instanceRoutes(store));
  return { ...service, app };
}

/** `config.released`: the release without its content (subscribers fetch it if they need it). */
function releasedEvent(release: Release) {
  const { content: _, ...data } = release;
  return { type: "config.released", subject: release.namespace, data };
}

export type ConfigApp = ReturnType<typeof createApp>["app"];
