import { type Static, type TObject, type TProperties, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";

/** One environment variable that is missing or malformed. */
export interface EnvIssue {
  variable: string;
  message: string;
}

/** Thrown when the environment does not match a deployable's schema. Lists every bad variable. */
export class EnvError extends Error {
  override readonly name = "EnvError";
  readonly code = "ENV_INVALID" as const;
  constructor(readonly issues: EnvIssue[]) {
    super(`invalid environment:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join("\n")}`);
  }
}

type Source = Record<string, string | undefined>;

/**
 * Reads and validates the environment once. Numbers and booleans are coerced from strings,
 * defaults applied, unknown variables ignored. Throws {@link EnvError} naming each bad variable.
 *
 * @example
 * const env = readEnv(Type.Object({ PORT: Type.Integer({ default: 8000 }) }));
 */
export function readEnv<P extends TProperties>(
  schema: TObject<P>,
  source: Source = process.env,
): Static<TObject<P>> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const raw = source[key];
    // An empty variable means "unset" — the way shells and compose files usually write it.
    if (raw !== undefined && raw !== "") picked[key] = raw;
  }
  const value = Value.Default(schema, Value.Convert(schema, picked));
  const issues = [...Value.Errors(schema, value)].map((e) => ({
    variable: e.path.replace(/^\//, "") || "(root)",
    message:
      e.path && picked[e.path.slice(1)] === undefined
        ? "is required"
        : `${e.message} (got ${JSON.stringify(picked[e.path.slice(1)])})`,
  }));
  if (issues.length > 0) {
    const seen = new Set<string>();
    throw new EnvError(issues.filter((i) => !seen.has(i.variable) && seen.add(i.variable)));
  }
  return value as Static<TObject<P>>;
}

/** A URL-valued variable (postgres://, redis://, amqp://, http://). */
export const UrlVar = (options: { description?: string; default?: string } = {}) =>
  Type.String({ pattern: "^[a-z][a-z0-9+.-]*://.+", ...options });

/** The variables every service reads. Extend it with `Type.Composite([serviceEnv, …])`. */
export const serviceEnv = Type.Object({
  HOST: Type.String({ default: "0.0.0.0", description: "Interface to listen on." }),
  PUBLIC_HOST: Type.String({
    default: "127.0.0.1",
    description: "Host other services use to reach this instance.",
  }),
  LOG_LEVEL: Type.Union(
    [
      Type.Literal("debug"),
      Type.Literal("info"),
      Type.Literal("warn"),
      Type.Literal("error"),
      Type.Literal("silent"),
    ],
    { default: "info" },
  ),
  DATABASE_URL: Type.Optional(UrlVar({ description: "Postgres URL; unset uses embedded PGlite." })),
  REDIS_URL: Type.Optional(UrlVar({ description: "Redis URL; unset uses the in-memory store." })),
  AMQP_URL: Type.Optional(UrlVar({ description: "RabbitMQ URL; unset uses the in-process bus." })),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(
    UrlVar({
      description:
        "OTLP/HTTP collector (e.g. http://127.0.0.1:4318); traces go to `<it>/v1/traces`. Unset, spans only carry `traceparent` on.",
    }),
  ),
  REGISTRY_URL: UrlVar({ default: "http://127.0.0.1:8021" }),
  CONFIG_URL: Type.Optional(
    UrlVar({
      description:
        "The config service; set, the service follows its namespace's releases (`bun start` sets it).",
    }),
  ),
  DIANA_DATA_DIR: Type.String({
    default: ".diana",
    description: "Where embedded infrastructure keeps its files.",
  }),
  DIANA_KV_PREFIX: Type.String({ default: "diana:", description: "Prepended to every key-value key." }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10_000 }),
  HEARTBEAT_INTERVAL_MS: Type.Integer({ minimum: 100, default: 3_000 }),
  INSTANCE_TTL_MS: Type.Integer({ minimum: 500, default: 10_000 }),
  SERVICE_TOKEN: Type.String({
    minLength: 32,
    description:
      "Shared secret from which every service derives the Ed25519 key of its service tokens (never sent). `bun start` generates one.",
  }),
  AUTH_JWKS_URL: UrlVar({
    default: "http://127.0.0.1:8080/.well-known/jwks.json",
    description: "The gateway's JWKS: keys of user access tokens.",
  }),
  AUTH_ISSUER: Type.String({ default: "diana:gateway", description: "`iss` of user access tokens." }),
  AUTH_AUDIENCE: Type.String({ default: "diana:api", description: "`aud` of user access tokens." }),
});
export type ServiceEnv = Static<typeof serviceEnv>;
