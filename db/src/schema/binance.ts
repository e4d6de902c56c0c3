import { pgSchema } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `binance` Postgres schema: everything the binance service stores. */
export const schema = pgSchema("binance");

export const { outbox, inbox } = platformTables(schema);
