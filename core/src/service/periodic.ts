import type { Attachment } from "./lifecycle";

/**
 * Housekeeping as part of a service's lifecycle: runs `task` once the service is ready and then every
 * `intervalMs` (a run never overlaps the previous one), and not after it stops. `task` reports its own
 * failures; a rejection is passed to `onError` and the schedule goes on.
 *
 * @example
 * service.attach(periodic(() => inbox.cleanup(), 3_600_000, (e) => log.warn("inbox cleanup failed", { error: e })));
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
