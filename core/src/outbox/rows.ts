/** `execute()` returns an array on postgres.js and `{ rows }` on PGlite. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

/**
 * Runs `deleteBatch` — one statement that deletes at most `limit` rows and resolves with how many — until
 * it deletes fewer than `limit`, so that no single statement locks a whole backlog of old rows; resolves
 * with the total. For retention sweeps (sent outbox rows, inbox ids, journal entries).
 */
export async function deleteInBatches(
  limit: number,
  deleteBatch: (limit: number) => Promise<number>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(limit);
    total += deleted;
    if (deleted < limit) return total;
  }
}
