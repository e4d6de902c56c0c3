import { pgSchema } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `dashboard` Postgres schema: everything the dashboard service stores. */
export const schema = pgSchema("dashboard");

export const { outbox, inbox } = platformTables(schema);
