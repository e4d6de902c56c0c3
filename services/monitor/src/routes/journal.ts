import { withRole } from "@diana/core/auth";
import { ProblemSchema } from "@diana/core/service";
import { Elysia, t } from "elysia";
import { JournalEntrySchema } from "../contract";
import type { Journal } from "../domain/journal";

/** `GET /journal`: the fleet events the monitor consumed, newest first; a viewer's read. */
export function journalRoutes(journal: Journal) {
  return new Elysia({ name: "monitor:journal" }).get(
    "/journal",
    async ({ query }) => ({
      entries: await journal.list({ limit: query.limit ?? 50, type: query.type, before: query.before }),
    }),
    {
      query: t.Object({
        limit: t.Optional(
          t.Integer({ minimum: 1, maximum: 500, description: "At most this many; 50 by default" }),
        ),
        type: t.Optional(
          t.String({
            pattern: "^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*(\\.\\*)?$",
            maxLength: 100,
            description: "Only this event type, or every type under a prefix: registry.instance.*",
          }),
        ),
        before: t.Optional(
          t.String({ format: "uuid", description: "Page back: entries older than this entry's id" }),
        ),
      }),
      response: {
        200: t.Object({ entries: t.Array(JournalEntrySchema) }),
        400: ProblemSchema,
        401: ProblemSchema,
        403: ProblemSchema,
        404: ProblemSchema,
      },
      detail: withRole("viewer", {
        tags: ["journal"],
        summary:
          "Fleet events (config releases, instance status changes) the monitor consumed from the bus, newest first",
      }),
    },
  );
}
