import * as binance from "@diana/binance";
import * as config from "@diana/config";
import { events as configEvents } from "@diana/config/contract";
import { defineEvents } from "@diana/core/bus";
import type { KeyValueStore } from "@diana/core/kv";
import type { PlatformDeps } from "@diana/core/service";
import * as dashboard from "@diana/dashboard";
import type { Database } from "@diana/db";
import type { GatewayDeps } from "@diana/gateway";
import * as gateway from "@diana/gateway";
import * as kucoin from "@diana/kucoin";
import * as monitor from "@diana/monitor";
import * as orchestration from "@diana/orchestration";
import * as registry from "@diana/registry";
import { events as registryEvents } from "@diana/registry/contract";
import * as riskGuard from "@diana/risk-guard";
import * as scoring from "@diana/scoring";
import * as trading from "@diana/trading";

/** What the suite hands every service beyond the platform dependencies. */
export interface SuiteDeps extends PlatformDeps {
  kv: KeyValueStore;
  /** The shared database handle; each service uses `database.forService(<its name>)`. */
  database: Database;
  consoleDir?: string;
  /** The gateway's identity: the first admin's password, issuer and audience. */
  identity?: GatewayDeps["identity"];
}

type Started = ReturnType<typeof trading.createApp>;

export interface Entry {
  meta: { name: string; version: string; defaultPort: number; description: string };
  create(deps: SuiteDeps): Pick<Started, "info" | "ready" | "start" | "stop" | "log"> & {
    /** The gateway's access-token keys, for the services beside it. */
    jwks?: ReturnType<typeof gateway.createApp>["jwks"];
  };
}

/** The eleven services, registry first so the others find it as they become ready. */
export const catalogue: readonly Entry[] = [
  registry,
  config,
  monitor,
  gateway,
  trading,
  dashboard,
  binance,
  kucoin,
  orchestration,
  scoring,
  riskGuard,
].map((m) => ({ meta: m.meta, create: (deps: SuiteDeps) => m.createApp(deps) }));

export const serviceNames = catalogue.map((e) => e.meta.name);

/** Every event type the services publish, for the buses of a one-process suite. */
export const suiteEvents = defineEvents({ ...configEvents, ...registryEvents });
