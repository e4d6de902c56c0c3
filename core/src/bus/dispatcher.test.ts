import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { Dispatcher } from "./dispatcher";

describe("Dispatcher", () => {
  test("never runs more than `concurrency`, and starts buffered items by priority, FIFO within one", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 40 }),
        async (concurrency, priorities) => {
          const started: number[] = [];
          let running = 0;
          let peak = 0;
          const dispatcher = new Dispatcher<number>({
            concurrency,
            run: async (index) => {
              started.push(index);
              peak = Math.max(peak, ++running);
              await Promise.resolve();
              running--;
            },
          });
          dispatcher.pause();
          for (const [index, priority] of priorities.entries()) dispatcher.push(index, priority);
          dispatcher.resume();
          while (started.length < priorities.length || dispatcher.inFlight > 0) await Bun.sleep(0);
          const expected = priorities
            .map((priority, index) => ({ priority, index }))
            .sort((a, b) => b.priority - a.priority || a.index - b.index)
            .map((x) => x.index);
          expect(started).toEqual(expected);
          expect(peak).toBeLessThanOrEqual(concurrency);
        },
      ),
    );
  });

  test("drain waits for running items and hands back the unstarted ones", async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finished = false;
    const dispatcher = new Dispatcher<string>({
      concurrency: 1,
      run: async () => {
        await blocked;
        finished = true;
      },
    });
    dispatcher.push("a");
    dispatcher.push("b", 3);
    dispatcher.push("c");
    const draining = dispatcher.drain();
    release();
    expect(await draining).toEqual(["b", "c"]);
    expect(finished).toBe(true);
  });
});
