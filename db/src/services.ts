import * as binance from "./schema/binance";
import * as config from "./schema/config";
import * as dashboard from "./schema/dashboard";
import * as gateway from "./schema/gateway";
import * as kucoin from "./schema/kucoin";
import * as monitor from "./schema/monitor";
import * as orchestration from "./schema/orchestration";
import * as registry from "./schema/registry";
import * as riskGuard from "./schema/risk-guard";
import * as scoring from "./schema/scoring";
import * as trading from "./schema/trading";

/** Each service's drizzle schema module, by service name. */
export const serviceSchemas = {
  gateway,
  config,
  registry,
  monitor,
  trading,
  dashboard,
  binance,
  kucoin,
  orchestration,
  scoring,
  "risk-guard": riskGuard,
} as const;

/** One of the eleven services; each owns one Postgres schema. */
export type ServiceName = keyof typeof serviceSchemas;

/** The tables of a service's schema, as passed to drizzle. */
export type ServiceSchema<S extends ServiceName> = (typeof serviceSchemas)[S];

/** The eleven service names, in the order of the design table. */
export const serviceNames = Object.keys(serviceSchemas) as ServiceName[];

/** The Postgres schema a service owns: its name with `-` as `_` (`risk-guard` → `risk_guard`). */
export function pgSchemaOf(service: ServiceName): string {
  return serviceSchemas[service].schema.schemaName;
}

export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(serviceSchemas, name);
}
