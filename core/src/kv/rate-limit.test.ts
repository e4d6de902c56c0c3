import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { memoryKv } from "./memory";

/** The reference: a continuous token bucket, `limit` tokens, refilled at `limit` per `windowMs`. */
function tokenBucket(limit: number, windowMs: number) {
  let tokens = limit;
  let last = 0;
  return (now: number, cost: number) => {
    tokens = Math.min(limit, tokens + ((now - last) * limit) / windowMs);
    last = now;
    if (tokens + 1e-9 < cost) return false;
    tokens -= cost;
    return true;
  };
}

describe("rateLimit (memory, fake clock) against a token-bucket model", () => {
  test("decides exactly like the model and never admits more than limit + refill in any interval", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 400 }), cost: fc.integer({ min: 1, max: 3 }) }), {
          minLength: 1,
          maxLength: 120,
        }),
        async (limit, msPerUnit, steps) => {
          const windowMs = limit * msPerUnit; // whole milliseconds per unit: exact arithmetic in both
          let now = 1_000_000;
          const kv = memoryKv({ now: () => now });
          const model = tokenBucket(limit, windowMs);
          const admitted: Array<{ at: number; cost: number }> = [];
          let t = 0;
          for (const step of steps) {
            now += step.gap;
            t += step.gap;
            const got = await kv.rateLimit("k", { limit, windowMs }, { cost: step.cost });
            expect(got.allowed).toBe(model(t, step.cost));
            expect(got.remaining).toBeGreaterThanOrEqual(0);
            expect(got.remaining).toBeLessThanOrEqual(limit);
            if (got.allowed) admitted.push({ at: t, cost: step.cost });
          }
          // The bucket's guarantee: any interval [a, b] admits at most limit + (b - a) / msPerUnit units.
          for (let i = 0; i < admitted.length; i++) {
            let units = 0;
            for (let j = i; j < admitted.length; j++) {
              units += admitted[j]!.cost;
              const span = admitted[j]!.at - admitted[i]!.at;
              expect(units).toBeLessThanOrEqual(limit + Math.floor(span / msPerUnit));
            }
          }
          await kv.close();
        },
      ),
      { numRuns: 300 },
    );
  });
});
