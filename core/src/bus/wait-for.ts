/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. Defaults to 5 s. */
  timeoutMs?: number;
  /** Defaults to 5 ms. */
  intervalMs?: number;
  /** Says what was awaited when it times out. */
  message?: string;
}

/**
 * Polls until `condition` returns true, or throws once the deadline passes: tests wait for a
 * condition, never for a fixed time.
 *
 * @example
 * await waitFor(() => received.length === 3, { message: "3 deliveries" });
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  const deadline = performance.now() + (options.timeoutMs ?? 5_000);
  while (!(await condition())) {
    if (performance.now() > deadline) {
      throw new Error(
        `timed out after ${options.timeoutMs ?? 5_000} ms waiting for ${options.message ?? "condition"}`,
      );
    }
    await Bun.sleep(options.intervalMs ?? 5);
  }
}
