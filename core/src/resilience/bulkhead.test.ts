import { describe, expect, test } from "bun:test";
import { bulkhead } from "./bulkhead";
import { BulkheadRejectedError } from "./errors";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe("bulkhead", () => {
  test("runs up to maxConcurrent, queues up to maxQueued, rejects the rest", async () => {
    const b = bulkhead({ maxConcurrent: 2, maxQueued: 1 });
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      b.execute(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    const rejected = await b.execute(async () => 99).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(BulkheadRejectedError);
    expect((rejected as BulkheadRejectedError).status).toBe(503);
    expect(started).toEqual([0, 1]);
    expect(b.queued).toBe(1);
    gates[0]!.resolve();
    await runs[0];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(b.running).toBe(0);
  });

  test("a queued call leaves the queue when its caller aborts", async () => {
    const b = bulkhead({ maxConcurrent: 1, maxQueued: 1 });
    const gate = deferred();
    const first = b.execute(() => gate.promise);
    const caller = new AbortController();
    const queued = b.execute(async () => "never", { signal: caller.signal }).catch((e: unknown) => e);
    caller.abort(new Error("gone"));
    expect(((await queued) as Error).message).toBe("gone");
    expect(b.queued).toBe(0);
    gate.resolve();
    await first;
  });
});
