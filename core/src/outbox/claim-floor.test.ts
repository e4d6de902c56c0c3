import { expect, test } from "bun:test";
import { claimFloor } from "./claim-floor";

test("the first claim and one every fullEveryMs read all pending rows; the others the floor of a claim lagMs old", () => {
  let now = 0;
  const floor = claimFloor(() => now, 1_000, 5_000);
  expect(floor.next()).toBeUndefined(); // first claim: everything
  floor.record(now, 10);
  now = 400;
  expect(floor.next()).toBeUndefined(); // no claim is 1 s old yet: no floor either
  floor.record(now, 20);
  now = 1_000;
  expect(floor.next()).toBe(10);
  floor.record(now, 30);
  now = 1_399;
  expect(floor.next()).toBe(10);
  now = 1_400;
  expect(floor.next()).toBe(20);
  floor.record(now, undefined); // a claim that met nothing leaves the floor where it was
  now = 2_500;
  expect(floor.next()).toBe(30);
  floor.record(now, 5); // a claim may meet a lower row (a full claim finding one the floor passed)
  now = 4_999;
  expect(floor.next()).toBe(5);
  now = 5_000;
  expect(floor.next()).toBeUndefined();
  now = 5_001;
  expect(floor.next()).toBe(5);
});
