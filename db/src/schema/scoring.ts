import { pgSchema } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `scoring` Postgres schema: everything the scoring service stores. */
export const schema = pgSchema("scoring");

export const { outbox, inbox } = platformTables(schema);
