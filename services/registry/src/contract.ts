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
  tags: t.Optional(t.Array(t.String({ pattern: "^[a-z0-9][a-z0-9:=._-]{0,62}$" }), { maxItems: 20 })),
  configVersion: t.Optional(t.Nullable(t.Integer({ minimum: 0 }))),
});

export const DrainSchema = t.Object({ reason: t.String(), at: t.String({ format: "date-time" }) });

export const CheckSchema = t.Object({
  status: t.Union([t.Literal("passing"), t.Literal("critical")]),
  detail: t.String({ description: "What the last check saw" }),
  cause: t.Optional(
    t.String({ description: "While critical: a failing check's detail, or missed heartbeats" }),
  ),
  at: t.String({ format: "date-time" }),
});

export const InstanceSchema = t.Composite([
  RegistrationSchema,
  t.Object({
    status: InstanceStatusSchema,
    registeredAt: t.String({ format: "date-time" }),
    lastHeartbeat: t.String({ format: "date-time" }),
    drained: t.Nullable(DrainSchema),
    check: t.Nullable(CheckSchema),
    protected: t.Boolean({
      description: "Kept passing by mass-eviction protection although its TTL ran out",
    }),
    routable: t.Boolean({ description: "Passing and not drained: clients may route to it" }),
  }),
]);

export const GuardSchema = t.Object({
  engaged: t.Boolean({ description: "Mass-eviction protection is holding instances whose TTL ran out" }),
  held: t.Array(t.String()),
});

export const HistoryEntrySchema = t.Object({
  instanceId: t.String(),
  service: t.String(),
  status: t.String({ description: "registered, passing, critical, drained, enabled or left" }),
  reason: t.String(),
  detail: t.Optional(t.Nullable(t.Record(t.String(), t.Unknown()))),
  at: t.String({ format: "date-time" }),
});

export const ServiceSummarySchema = t.Object({
  name: t.String(),
  status: t.Union([t.Literal("healthy"), t.Literal("unhealthy")]),
  instances: t.Integer(),
  passing: t.Integer(),
  routable: t.Integer({ description: "Passing and not drained" }),
  drained: t.Integer(),
  versions: t.Array(t.String()),
  upSince: t.Nullable(t.String({ format: "date-time" })),
  lastHeartbeat: t.Nullable(t.String({ format: "date-time" })),
});

/** The status changes the history keeps, each announced as `registry.instance.<change>`. */
export const instanceChanges = ["registered", "passing", "critical", "drained", "enabled", "left"] as const;
export type InstanceChange = (typeof instanceChanges)[number];

/** `registry.instance.*`: one status change of an instance, as its history row has it. */
export const InstanceChangedSchema = t.Object({
  instanceId: t.String(),
  service: t.String(),
  status: t.String({ description: "registered, passing, critical, drained, enabled or left" }),
  reason: t.String(),
  detail: t.Nullable(t.Record(t.String(), t.Unknown())),
});

/** Registry's events: published through its outbox, in the transaction that writes the history row. */
export const events = {
  "registry.instance.registered": InstanceChangedSchema,
  "registry.instance.passing": InstanceChangedSchema,
  "registry.instance.critical": InstanceChangedSchema,
  "registry.instance.drained": InstanceChangedSchema,
  "registry.instance.enabled": InstanceChangedSchema,
  "registry.instance.left": InstanceChangedSchema,
} satisfies Record<`registry.instance.${InstanceChange}`, typeof InstanceChangedSchema>;

export type Instance = typeof InstanceSchema.static;
export type ServiceSummary = typeof ServiceSummarySchema.static;
export type HistoryEntry = typeof HistoryEntrySchema.static;
export type { RegistryApp } from "./app";
