import { pgSchema } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `trading` Postgres schema: everything the trading service stores. */
export const schema = pgSchema("trading");

export const { outbox, inbox } = platformTables(schema);
