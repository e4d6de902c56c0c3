import { pgSchema } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `orchestration` Postgres schema: everything the orchestration service stores. */
export const schema = pgSchema("orchestration");

export const { outbox, inbox } = platformTables(schema);
