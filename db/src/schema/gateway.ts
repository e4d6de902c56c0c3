import { pgSchema } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `gateway` Postgres schema: everything the gateway service stores. */
export const schema = pgSchema("gateway");

export const { outbox, inbox } = platformTables(schema);
