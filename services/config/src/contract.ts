import { AppliedReportSchema, NamespaceName, ReleaseSchema } from "@diana/core/config";
import { t } from "elysia";

/** config's wire schemas and events; other services and the console import these. */
export { AppliedReportSchema, NamespaceName, ReleaseSchema };

export const Message = t.String({ maxLength: 1_000, description: "Why" });
export const Content = t.Record(t.String(), t.Unknown(), { description: "The configuration, a JSON object" });

export const ChangeSchema = t.Object({
  op: t.Union([t.Literal("add"), t.Literal("remove"), t.Literal("replace")]),
  path: t.String({ description: "JSON Pointer" }),
  value: t.Optional(t.Unknown()),
  from: t.Optional(t.Unknown({ description: "The old value" })),
});

export const NamespaceSummarySchema = t.Object({
  name: t.String(),
  version: t.Nullable(t.Integer()),
  schemaUpdatedAt: t.String({ format: "date-time" }),
});

export const NamespaceSchema = t.Object({
  name: t.String(),
  schema: t.Record(t.String(), t.Unknown(), { description: "JSON Schema every release must satisfy" }),
  updatedBy: t.String(),
  updatedAt: t.String({ format: "date-time" }),
});

export const AuditEntrySchema = t.Object({
  id: t.Integer(),
  namespace: t.String(),
  action: t.String({ description: "publish, rollback or schema" }),
  actor: t.String(),
  version: t.Nullable(t.Integer()),
  reason: t.Nullable(t.String()),
  detail: t.Unknown(),
  at: t.String({ format: "date-time" }),
});

export const InstanceAckSchema = t.Object({
  instanceId: t.String(),
  version: t.Integer({ description: "The version last reported" }),
  status: t.Union([t.Literal("applied"), t.Literal("rejected")]),
  reason: t.Nullable(t.String()),
  runningVersion: t.Nullable(t.Integer({ description: "The version the instance runs" })),
  at: t.String({ format: "date-time" }),
  lagging: t.Boolean({ description: "Runs an older version than the current release" }),
});

/** `config.released`, published on the bus after each release commits. */
export const events = {
  "config.released": t.Object({
    namespace: t.String(),
    version: t.Integer(),
    hash: t.String(),
    author: t.String(),
    message: t.String(),
    rollbackOf: t.Nullable(t.Integer()),
    createdAt: t.String({ format: "date-time" }),
  }),
};

export type { ConfigApp } from "./app";
