import { pgSchema } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `risk_guard` Postgres schema: everything the risk-guard service stores. */
export const schema = pgSchema("risk_guard");

export const { outbox, inbox } = platformTables(schema);
