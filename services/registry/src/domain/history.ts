import type { ServiceDb } from "@diana/db";
import { instanceHistory } from "@diana/db/schema/registry";
import { desc, eq } from "drizzle-orm";

/** One status change of an instance and why it happened. */
export interface HistoryEntry {
  instanceId: string;
  service: string;
  /** `registered`, `passing`, `critical`, `drained`, `enabled` or `left`. */
  status: string;
  reason: string;
  detail?: Record<string, unknown> | null;
  at: string;
}

/** Where status changes are kept: Postgres, so history outlives the registry and its key-value store. */
export interface History {
  append(entry: Omit<HistoryEntry, "at">): Promise<void>;
  /** Newest first. */
  list(instanceId: string, limit: number): Promise<HistoryEntry[]>;
}

export function postgresHistory(db: ServiceDb<"registry">): History {
  return {
    async append(entry) {
      await db.insert(instanceHistory).values({ ...entry, detail: entry.detail ?? null });
    },
    async list(instanceId, limit) {
      const rows = await db
        .select()
        .from(instanceHistory)
        .where(eq(instanceHistory.instanceId, instanceId))
        .orderBy(desc(instanceHistory.at), desc(instanceHistory.id))
        .limit(limit);
      return rows.map((r) => ({
        instanceId: r.instanceId,
        service: r.service,
        status: r.status,
        reason: r.reason ?? "",
        detail: (r.detail as Record<string, unknown> | null) ?? null,
        at: r.at.toISOString(),
      }));
    },
  };
}
