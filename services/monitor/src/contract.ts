import { t } from "elysia";

/** monitor's public contract: its wire schemas (it publishes no events yet) and the app type for typed clients. */
export type { MonitorApp } from "./app";

export const JournalEntrySchema = t.Object({
  id: t.String({ format: "uuid", description: "The event's id" }),
  type: t.String({ description: "The event type, e.g. config.released" }),
  subject: t.Nullable(t.String({ description: "What it is about: a release's namespace, an instance's id" })),
  source: t.String({ description: "The publishing service, e.g. /services/config" }),
  data: t.Unknown({ description: "The event's data as published" }),
  occurredAt: t.String({ format: "date-time", description: "When it happened (the event's time)" }),
  receivedAt: t.String({ format: "date-time", description: "When the monitor recorded it" }),
});
