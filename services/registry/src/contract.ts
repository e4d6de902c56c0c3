import { t } from "elysia";

/** Registry's wire schemas; other services and the console import these (types only for the console). */
export const InstanceStatusSchema = t.Union([t.Literal("passing"), t.Literal("critical"), t.Literal("left")]);

export const RegistrationSchema = t.Object({
  id: t.String({
    pattern: "^[a-z0-9][a-z0-9-]{2,99}$",
    description: "Instance id, e.g. trading-0a1b2c3d4e5f",
  }),
  service: t.String({ pattern: "^[a-z][a-z0-9-]{1,39}$" }),
  url: t.String({ format: "uri", pattern: "^https?://", maxLength: 300 }),
  version: t.String({ minLength: 1, maxLength: 64 }),
  infra: t.Union([t.Literal("embedded"), t.Literal("real")]),
  startedAt: t.String({ format: "date-time" }),
  ttlMs: t.Integer({ minimum: 500, maximum: 3_600_000 }),
});

export const InstanceSchema = t.Composite([
  RegistrationSchema,
  t.Object({
    status: InstanceStatusSchema,
    registeredAt: t.String({ format: "date-time" }),
    lastHeartbeat: t.String({ format: "date-time" }),
  }),
]);

export const ServiceSummarySchema = t.Object({
  name: t.String(),
  status: t.Union([t.Literal("healthy"), t.Literal("unhealthy")]),
  instances: t.Integer(),
  passing: t.Integer(),
  versions: t.Array(t.String()),
  upSince: t.Nullable(t.String({ format: "date-time" })),
  lastHeartbeat: t.Nullable(t.String({ format: "date-time" })),
});

export type Instance = typeof InstanceSchema.static;
export type ServiceSummary = typeof ServiceSummarySchema.static;
export type { RegistryApp } from "./app";
