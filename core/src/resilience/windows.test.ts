import { describe, expect, test } from "bun:test";
import { CountWindow } from "./count-window";
import { TimeWindow } from "./time-window";
import { Outcome } from "./window";

describe("windows", () => {
  test("a count window keeps the last n outcomes", () => {
    const w = new CountWindow(3);
    for (const o of [Outcome.failure, Outcome.slowSuccess, Outcome.success, Outcome.slowFailure]) w.record(o);
    expect(w.snapshot()).toEqual({ calls: 3, failures: 1, slow: 2, failureRate: 1 / 3, slowRate: 2 / 3 });
    expect(w.dump()).toEqual({
      kind: "count",
      outcomes: [Outcome.slowSuccess, Outcome.success, Outcome.slowFailure],
    });
    const smaller = new CountWindow(2);
    smaller.load(w.dump());
    expect(smaller.snapshot()).toMatchObject({ calls: 2, failures: 1, slow: 1 });
  });

  test("a time window expires whole buckets as time passes", () => {
    const w = new TimeWindow(1_000, 10);
    w.record(Outcome.failure, 0);
    w.record(Outcome.success, 550);
    expect(w.snapshot(999)).toMatchObject({ calls: 2, failures: 1 });
    expect(w.snapshot(1_000)).toMatchObject({ calls: 1, failures: 0 });
    expect(w.snapshot(1_600)).toMatchObject({ calls: 0 });
    w.record(Outcome.slowFailure, 5_000);
    const copy = new TimeWindow(1_000, 10);
    copy.load(w.dump());
    expect(copy.snapshot(5_050)).toMatchObject({ calls: 1, failures: 1, slow: 1 });
  });
});
