import { readEnv, serviceEnv } from "@diana/core/config";
import { Type } from "@sinclair/typebox";

export const DEFAULT_PORT = 8080;

const list = (description: string) => Type.String({ default: "", description });

export const envSchema = Type.Composite([
  serviceEnv,
  Type.Object({
    PORT: Type.Integer({ minimum: 1, maximum: 65535, default: DEFAULT_PORT }),
    CONSOLE_DIR: Type.Optional(
      Type.String({ description: "Built console to serve at /; defaults to console/dist." }),
    ),
    DIANA_ADMIN_PASSWORD: Type.Optional(
      Type.String({
        minLength: 12,
        description:
          "Password of the first admin; when unset and no admin exists, one is generated and printed once.",
      }),
    ),
    TRUSTED_PROXIES: list("Comma-separated addresses or IPv4 CIDRs whose X-Forwarded-For is believed."),
    CORS_ORIGINS: list("Comma-separated origins allowed to call the gateway cross-origin."),
    ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 3600, default: 300 }),
    REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 300, default: 7 * 86_400 }),
  }),
]);

/** Splits a comma-separated variable. */
export const splitList = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Reads gateway's environment once; throws an EnvError naming every bad variable. */
export const loadConfig = (source: Record<string, string | undefined> = process.env) =>
  readEnv(envSchema, source);
