import type { Logger } from "../log";

interface Stoppable {
  stop(reason?: string): Promise<void>;
}

/**
 * Stops `target` on SIGINT or SIGTERM, then exits 0; a second signal exits 1 at once.
 * For `main.ts` files only.
 */
export function runUntilSignal(target: Stoppable, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn("second signal; exiting now", { signal });
      process.exit(1);
    }
    stopping = true;
    target.stop(signal).then(
      () => process.exit(0),
      (e) => {
        log.error("stop failed", { error: e });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}
