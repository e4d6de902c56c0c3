import { describe, expect, test } from "bun:test";
import { type CheckState, initialCheck, recordCheck } from "./anti-flap";
import { decideEviction } from "./eviction-guard";

const opts = { successesToPass: 2, failuresToCritical: 3 };
const run = (results: boolean[]) =>
  results.reduce<CheckState>(
    (s, ok, i) => recordCheck(s, ok, ok ? "200" : "503", String(i), opts),
    initialCheck("start"),
  );

describe("anti-flap", () => {
  test("stays passing through fewer failures than the threshold", () => {
    expect(run([false, false, true, false, false]).status).toBe("passing");
  });
  test("turns critical after the failure threshold in a row", () => {
    expect(run([false, false, false]).status).toBe("critical");
  });
  test("needs the success threshold in a row to pass again", () => {
    expect(run([false, false, false, true]).status).toBe("critical");
    expect(run([false, false, false, true, false, true]).status).toBe("critical");
    expect(run([false, false, false, true, true]).status).toBe("passing");
  });
});

describe("eviction guard", () => {
  const guard = { maxShare: 0.5, minInstances: 3, maxHoldMs: 60_000 };
  test("evicts when a minority expires", () => {
    expect(decideEviction(10, ["a", "b"], guard)).toEqual({ hold: [], engaged: false });
  });
  test("holds everyone when most expire at once", () => {
    expect(decideEviction(10, ["a", "b", "c", "d", "e", "f"], guard)).toEqual({
      hold: ["a", "b", "c", "d", "e", "f"],
      engaged: true,
    });
  });
  test("never engages for a tiny fleet", () => {
    expect(decideEviction(2, ["a", "b"], guard).engaged).toBe(false);
  });
});
