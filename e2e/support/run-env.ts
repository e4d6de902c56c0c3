/**
 * The fixed shape of an e2e run: the suite on the default ports plus 10 000, short heartbeats and TTLs
 * so a stopped service shows within seconds. Values that differ per run (database, key prefix, token)
 * are set on process.env by the global setup and read back here by the tests, which run in workers.
 */
export const PORT_OFFSET = 10_000;
export const INSTANCE_TTL_MS = 4_000;
export const HEARTBEAT_INTERVAL_MS = 1_000;

export const gatewayUrl = `http://127.0.0.1:${8080 + PORT_OFFSET}`;
export const registryUrl = `http://127.0.0.1:${8021 + PORT_OFFSET}`;
export const kucoinPort = 8002 + PORT_OFFSET;

export const postgresAdminUrl = process.env.E2E_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const redisUrl = process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379";
/** The broker without a vhost; each run gets its own vhost on it. */
export const amqpBaseUrl = process.env.E2E_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";

export const ADMIN_USER = "admin";

/** The eleven services of DESIGN.md. */
export const ALL_SERVICES = [
  "binance",
  "config",
  "dashboard",
  "gateway",
  "kucoin",
  "monitor",
  "orchestration",
  "registry",
  "risk-guard",
  "scoring",
  "trading",
] as const;

/** What the global setup hands the tests. */
export interface RunState {
  databaseUrl: string;
  kvPrefix: string;
  /** The run's RabbitMQ vhost, on {@link amqpBaseUrl}. */
  amqpUrl: string;
  serviceToken: string;
  /** The first admin's password (DIANA_ADMIN_PASSWORD, random per run), for signing in to the console. */
  adminPassword: string;
  /** Set when the run cannot happen here (no Postgres or Redis outside CI): tests skip with it. */
  skipReason?: string;
}

const KEY = "DIANA_E2E_RUN";

export function publishRunState(state: RunState): void {
  process.env[KEY] = JSON.stringify(state);
}

export function readRunState(): RunState {
  const raw = process.env[KEY];
  if (!raw)
    throw new Error("no e2e run state: run the specs through playwright.config.ts (its global setup)");
  return JSON.parse(raw) as RunState;
}

/** The environment every Diana process of the run gets, on top of the caller's. */
export function serviceEnv(state: RunState): Record<string, string> {
  return {
    DATABASE_URL: state.databaseUrl,
    REDIS_URL: redisUrl,
    AMQP_URL: state.amqpUrl,
    DIANA_KV_PREFIX: state.kvPrefix,
    SERVICE_TOKEN: state.serviceToken,
    DIANA_ADMIN_PASSWORD: state.adminPassword,
    // Services started alone (kucoin) verify user tokens with the keys of this run's gateway.
    AUTH_JWKS_URL: `${gatewayUrl}/.well-known/jwks.json`,
    INSTANCE_TTL_MS: String(INSTANCE_TTL_MS),
    HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_INTERVAL_MS),
    LOG_LEVEL: "warn",
  };
}
