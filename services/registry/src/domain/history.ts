import type { SqlExecutor } from "@diana/core/outbox";
import type { ServiceDb } from "@diana/db";
import { instanceHistory } from "@diana/db/schema/registry";
import { desc, eq } from "drizzle-orm";
import type { InstanceChange } from "../contract";

/** One status change of an instance and why it happened. */
export interface HistoryEntry {
  instanceId: string;
  service: string;
  status: InstanceChange;
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

/**
 * With `announce`, each append also runs it in the same transaction: the registry enqueues
 * `registry.instance.<status>` in its outbox there, so a change is announced exactly when it is kept.
 */
export function postgresHistory(
  db: ServiceDb<"registry">,
  options: { announce?: (tx: SqlExecutor, entry: Omit<HistoryEntry, "at">) => Promise<unknown> } = {},
): History {
  const { announce } = options;
  return {
    async append(entry) {
      const row = { ...entry, detail: entry.detail ?? null };
      if (!announce) {
        await db.insert(instanceHistory).values(row);
        return;
      }
      await db.transaction(async (tx) => {
        await tx.insert(instanceHistory).values(row);
        await announce(tx, entry);
      });
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
        status: r.status as InstanceChange,
        reason: r.reason ?? "",
        detail: (r.detail as Record<string, unknown> | null) ?? null,
        at: r.at.toISOString(),
      }));
    },
  };
}
