/** A level the relay's idle workers wait on: a notification, the poll interval or `stop()` ends the wait. */
export function wakeSignal() {
  let generation = 0;
  let release!: () => void;
  let next = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    /** Bumped on every wake; a worker that sees it changed during a round claims again instead of waiting. */
    get generation() {
      return generation;
    },
    wake() {
      generation++;
      const done = release;
      next = new Promise<void>((resolve) => {
        release = resolve;
      });
      done();
    },
    /** Resolves on the next wake or after `ms`, whichever is first. */
    wait(ms: number): Promise<void> {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        next.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
