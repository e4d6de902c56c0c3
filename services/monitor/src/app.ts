import { createPlatformService, type PlatformDeps, periodicDeletion } from "@diana/core/service";
import type { Database } from "@diana/db";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_PORT } from "./config";
import { createJournal } from "./domain/journal";
import { journalRoutes } from "./routes/journal";

export const meta = {
  name: "monitor" as const,
  version: pkg.version,
  defaultPort: DEFAULT_PORT,
  description:
    "The fleet view behind the console: breakers, DLQ depths, outbox backlogs, config drift and registry health.",
};

/** The fleet events the monitor journals (its queue's bindings). */
export const JOURNAL_PATTERNS = ["config.*", "registry.instance.*"] as const;

/**
 * With `bus`, the monitor consumes {@link JOURNAL_PATTERNS} into its journal from its start, each event
 * through its inbox (one row however often it is delivered), and stops consuming when it stops. Entries
 * are kept `journalRetentionDays`, swept hourly.
 */
export interface MonitorDeps extends PlatformDeps {
  database: Database;
  /** How long journal entries are kept, by when they happened. Defaults to 30 days. */
  journalRetentionDays?: number;
}

/** How often entries past the retention are swept (and once when the monitor is ready). */
const SWEEP_INTERVAL_MS = 3_600_000;

/** Builds the monitor service. No I/O until `start()`. */
export function createApp(deps: MonitorDeps) {
  const service = createPlatformService(meta, deps);
  const journal = createJournal(deps.database);
  if (service.bus && service.inbox)
    service.consume(
      { patterns: JOURNAL_PATTERNS },
      service.inbox.handler((event, _context, tx) => journal.record(tx, event)),
    );
  const retentionMs = (deps.journalRetentionDays ?? 30) * 86_400_000;
  service.attach(
    periodicDeletion(
      "journal entries past retention",
      () => journal.sweep(retentionMs),
      SWEEP_INTERVAL_MS,
      service.log,
    ),
  );
  const app = service.app.use(journalRoutes(journal));
  return { ...service, app };
}

export type MonitorApp = ReturnType<typeof createApp>["app"];
