import { expect, test } from "bun:test";
import { runKvConformance } from "./conformance";
import { memoryKv } from "./memory";

let now = 1_000_000;
runKvConformance({
  name: "memory",
  create: async () => memoryKv({ now: () => now }),
  advance: (ms) => {
    now += ms;
  },
});

test("expired keys are swept on writes, not only when read", async () => {
  let clock = 0;
  const kv = memoryKv({ now: () => clock });
  for (let i = 0; i < 1_000; i++) await kv.set(`old:${i}`, "v", { ttlMs: 10 });
  clock += 11;
  for (let i = 0; i < 1_000; i++) await kv.set(`new:${i}`, "v");
  // Nothing read the old keys, yet the sweep dropped them: only the live keys remain in the map.
  expect(await kv.keys("")).toHaveLength(1_000);
  expect(await kv.keys("old:")).toEqual([]);
});
