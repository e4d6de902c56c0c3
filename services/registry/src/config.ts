import { readEnv, serviceEnv } from "@diana/core/config";
import { Type } from "@sinclair/typebox";

export const DEFAULT_PORT = 8021;

export const envSchema = Type.Composite([
  serviceEnv,
  Type.Object({
    PORT: Type.Integer({ minimum: 1, maximum: 65535, default: DEFAULT_PORT }),
    REGISTRY_CHECK_INTERVAL_MS: Type.Integer({
      minimum: 100,
      default: 5_000,
      description: "Active check period.",
    }),
    REGISTRY_CHECK_TIMEOUT_MS: Type.Integer({ minimum: 50, default: 2_000 }),
    REGISTRY_CHECK_FAILURES: Type.Integer({
      minimum: 1,
      default: 3,
      description: "Failures in a row to turn critical.",
    }),
    REGISTRY_CHECK_SUCCESSES: Type.Integer({
      minimum: 1,
      default: 2,
      description: "Successes in a row to pass again.",
    }),
    REGISTRY_EVICTION_MAX_SHARE: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.5,
      description: "Share of instances that may miss their TTL at once before protection holds them.",
    }),
  }),
]);

/** Reads registry's environment once; throws an EnvError naming every bad variable. */
export const loadConfig = (source: Record<string, string | undefined> = process.env) =>
  readEnv(envSchema, source);
