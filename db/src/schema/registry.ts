import { bigserial, index, jsonb, pgSchema, text, timestamp } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `registry` Postgres schema: everything the registry service stores. */
export const schema = pgSchema("registry");

export const { outbox, inbox } = platformTables(schema);

/** Every status change of a registered instance, with why it happened: the health history the console shows. */
export const instanceHistory = schema.table(
  "instance_history",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    instanceId: text("instance_id").notNull(),
    service: text("service").notNull(),
    status: text("status").notNull(),
    reason: text("reason"),
    detail: jsonb("detail"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("instance_history_instance_id_at_idx").on(t.instanceId, t.at)],
);
