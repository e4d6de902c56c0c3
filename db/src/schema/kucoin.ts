import { pgSchema } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `kucoin` Postgres schema: everything the kucoin service stores. */
export const schema = pgSchema("kucoin");

export const { outbox, inbox } = platformTables(schema);
