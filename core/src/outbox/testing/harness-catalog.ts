import { Type } from "@sinclair/typebox";
import { defineEvents } from "../../bus/catalog";

/** Events of the outbox tests: `n` is the event's place in its aggregate's sequence. */
export const testCatalog = defineEvents({
  "test.order.placed": Type.Object({ agg: Type.String(), n: Type.Integer() }),
  "test.unrouted": Type.Object({ n: Type.Integer() }),
});
export type TestSchemas = typeof testCatalog.schemas;
