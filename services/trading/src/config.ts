import { readEnv, serviceEnv } from "@diana/core/config";
import { Type } from "@sinclair/typebox";

export const DEFAULT_PORT = 8000;

export const envSchema = Type.Composite([
  serviceEnv,
  Type.Object({ PORT: Type.Integer({ minimum: 1, maximum: 65535, default: DEFAULT_PORT }) }),
]);

/** Reads trading's environment once; throws an EnvError naming every bad variable. */
export const loadConfig = (source: Record<string, string | undefined> = process.env) =>
  readEnv(envSchema, source);
