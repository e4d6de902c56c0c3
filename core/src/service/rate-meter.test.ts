import { expect, test } from "bun:test";
import { rateMeter } from "./rate-meter";

const clock = (at: number) => {
  const c = { at, now: () => c.at };
  return c;
};

test("counts per second over the window once it has filled, and forgets what slid out", () => {
  const c = clock(1_000_000);
  const meter = rateMeter({ windowSeconds: 10, now: c.now });
  for (let s = 0; s < 20; s++) {
    meter.mark(5);
    c.at += 1_000;
  }
  // 9 whole seconds and none of the current: 45 events over 9 s.
  expect(meter.perSecond()).toBeCloseTo(5, 5);
  c.at += 4_000; // four quiet seconds: 5 of the 9 buckets still count
  expect(meter.perSecond()).toBeCloseTo(25 / 9, 5);
  c.at += 60_000; // long quiet: nothing left
  expect(meter.perSecond()).toBe(0);
  meter.mark(3);
  expect(meter.perSecond()).toBeCloseTo(3 / 9, 5);
});

test("before the window fills, the rate is over the time since start, at least a second", () => {
  const c = clock(5_250);
  const meter = rateMeter({ windowSeconds: 60, now: c.now });
  meter.mark();
  expect(meter.perSecond()).toBe(1); // not 1 per 0 s
  c.at += 4_000;
  meter.mark(7);
  expect(meter.perSecond()).toBeCloseTo(8 / 4, 5);
});

test("refuses a window it cannot slide", () => {
  expect(() => rateMeter({ windowSeconds: 1 })).toThrow("windowSeconds");
});
