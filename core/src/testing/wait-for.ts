/**
 * Polls `probe` until it returns a truthy value or the deadline passes, then returns that value.
 * Tests wait on conditions with this, never on a fixed sleep.
 *
 * @example
 * const line = await waitFor(() => lines.find((l) => l.msg === "ready"), { timeoutMs: 2_000 });
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  {
    timeoutMs = 5_000,
    intervalMs = 10,
    what = "condition",
  }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (performance.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ""}`,
      );
    }
    await Bun.sleep(intervalMs);
  }
}
