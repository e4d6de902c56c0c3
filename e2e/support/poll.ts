export interface PollOptions {
  timeoutMs: number;
  /** Defaults to 250 ms. */
  intervalMs?: number;
  /** What was last seen, for the timeout message. */
  lastSeen?: () => string;
  /** A reason to stop waiting at once (e.g. the process under test exited), or undefined to go on. */
  giveUpIf?: () => string | undefined;
}

/**
 * Calls `probe` until it returns a value other than undefined, at most until `timeoutMs` has passed.
 * A probe that throws counts as "not yet"; the last error or `lastSeen()` goes into the timeout message.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<T> {
  const { timeoutMs, intervalMs = 250, lastSeen, giveUpIf } = options;
  const deadline = Date.now() + timeoutMs;
  let last = "nothing yet";
  for (;;) {
    const reason = giveUpIf?.();
    if (reason) throw new Error(`gave up waiting for ${what}: ${reason}`);
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = lastSeen?.() ?? "not yet";
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
