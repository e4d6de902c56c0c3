import { pgSchema } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `config` Postgres schema: everything the config service stores. */
export const schema = pgSchema("config");

export const { outbox, inbox } = platformTables(schema);
