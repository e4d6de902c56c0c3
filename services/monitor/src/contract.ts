import { events as configEvents } from "@diana/config/contract";
import { events as registryEvents } from "@diana/registry/contract";
import { t } from "elysia";

/** monitor's public contract: its wire schemas, the events it consumes (it publishes none yet) and the app type. */
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

/** The events the monitor consumes (config's and registry's), each checked against its schema. */
export const consumedEvents = { ...configEvents, ...registryEvents };
