import type { Logger } from "../log";
import type { Attachment } from "./lifecycle";

/**
 * Housekeeping as part of a service's lifecycle: runs `task` once the service is ready and then every
 * `intervalMs` (a run never overlaps the previous one), and not after it stops. `task` reports its own
 * failures; a rejection is passed to `onError` and the schedule goes on.
 *
 * @example
 * service.attach(periodic(() => cache.refresh(), 60_000, (error) => log.warn("cache refresh failed", { error })));
 */
export function periodic(
  task: () => Promise<unknown>,
  intervalMs: number,
  onError: (error: unknown) => void,
): Attachment {
  let timer: Timer | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const run = () => {
    if (stopped || running) return;
    running = task()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  };
  return {
    onReady() {
      run();
      timer = setInterval(run, intervalMs);
      timer.unref();
    },
    async onStop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * {@link periodic} for a retention sweep that resolves with how many rows it deleted: logs that count when
 * there was one (`<what> deleted`), and a failed run as a warning.
 *
 * @example
 * service.attach(periodicDeletion("inbox ids past retention", () => inbox.cleanup(), 3_600_000, service.log));
 */
export function periodicDeletion(
  what: string,
  sweep: () => Promise<number>,
  intervalMs: number,
  log: Logger,
): Attachment {
  return periodic(
    async () => {
      const deleted = await sweep();
      if (deleted > 0) log.info(`${what} deleted`, { deleted });
    },
    intervalMs,
    (error) => log.warn(`deleting ${what} failed`, { error }),
  );
}
