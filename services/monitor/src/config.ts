import { readEnv, serviceEnv } from "@diana/core/config";
import { Type } from "@sinclair/typebox";

export const DEFAULT_PORT = 8022;

export const envSchema = Type.Composite([
  serviceEnv,
  Type.Object({
    PORT: Type.Integer({ minimum: 1, maximum: 65535, default: DEFAULT_PORT }),
    /** Days the fleet journal keeps an entry, by when its event happened. */
    MONITOR_JOURNAL_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
  }),
]);

/** Reads monitor's environment once; throws an EnvError naming every bad variable. */
export const loadConfig = (source: Record<string, string | undefined> = process.env) =>
  readEnv(envSchema, source);
