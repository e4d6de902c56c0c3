import { sql } from "drizzle-orm";
import {
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `config` Postgres schema: everything the config service stores. */
export const schema = pgSchema("config");

export const { outbox, inbox } = platformTables(schema);

/** One namespace per service plus `global`, each with the JSON schema its releases must satisfy. */
export const namespaces = schema.table("namespaces", {
  name: text("name").primaryKey(),
  jsonSchema: jsonb("json_schema").notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Immutable releases; `version` counts up from 1 per namespace. */
export const releases = schema.table(
  "releases",
  {
    /** UUIDv7. */
    id: uuid("id").primaryKey(),
    namespace: text("namespace")
      .notNull()
      .references(() => namespaces.name),
    version: integer("version").notNull(),
    content: jsonb("content").notNull(),
    /** sha256 of the canonical JSON of `content`, hex. */
    hash: text("hash").notNull(),
    author: text("author").notNull(),
    message: text("message").notNull(),
    /** Set when this release restored an older one's content. */
    rollbackOf: integer("rollback_of"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("releases_namespace_version_unique").on(t.namespace, t.version),
    check("releases_version_check", sql`${t.version} > 0`),
  ],
);

/** Who did what, when and why: publishes, rollbacks, schema changes, refused publishes. */
export const audit = schema.table(
  "audit",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    namespace: text("namespace").notNull(),
    action: text("action").notNull(),
    actor: text("actor").notNull(),
    version: integer("version"),
    reason: text("reason"),
    detail: jsonb("detail"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_namespace_at_idx").on(t.namespace, t.at)],
);

/** The last version each instance reported applying (or rejecting), one row per namespace and instance. */
export const applied = schema.table(
  "applied",
  {
    namespace: text("namespace").notNull(),
    instanceId: text("instance_id").notNull(),
    version: integer("version").notNull(),
    status: text("status", { enum: ["applied", "rejected"] }).notNull(),
    reason: text("reason"),
    /** The version the instance runs; equals `version` when applied, the last good one when rejected. */
    runningVersion: integer("running_version"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.namespace, t.instanceId] }),
    check("applied_status_check", sql`${t.status} in ('applied', 'rejected')`),
  ],
);
