import { pgSchema } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `monitor` Postgres schema: everything the monitor service stores. */
export const schema = pgSchema("monitor");

export const { outbox, inbox } = platformTables(schema);
