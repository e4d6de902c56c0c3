import { expect, test } from "bun:test";
import fc from "fast-check";
import { circuitBreaker } from "./circuit-breaker";
import { BrokenCircuitError } from "./errors";
import { FakeClock } from "./fake-clock";

const opensIn = (transitions: Array<{ to: string }>) => transitions.filter((t) => t.to === "open").length;

test("concurrent calls settling in any order open the circuit exactly once per trip", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(fc.boolean(), { minLength: 5, maxLength: 30 }),
      fc.array(fc.boolean(), { minLength: 3, maxLength: 12 }),
      async (s, closedOutcomes, probeOutcomes) => {
        const clock = new FakeClock();
        const breaker = circuitBreaker({
          clock,
          window: { kind: "count", size: 10 },
          minimumCalls: 5,
          openMs: 100,
          halfOpenProbes: 3,
        });
        const transitions: Array<{ to: string }> = [];
        breaker.onStateChange((t) => transitions.push(t));
        const call = (fail: boolean) =>
          breaker
            .execute(() => s.schedule(fail ? Promise.reject(new Error("x")) : Promise.resolve("ok")))
            .catch((e: unknown) => e);

        // Trip 1: every call is admitted while closed, then they settle in a scheduler-chosen order.
        const first = closedOutcomes.map(call);
        await s.waitAll();
        await Promise.all(first);
        const failuresBefore = closedOutcomes.filter(Boolean).length;
        expect(opensIn(transitions)).toBeLessThanOrEqual(1);
        if (closedOutcomes.every(Boolean)) expect(opensIn(transitions)).toBe(1);
        if (failuresBefore === 0) expect(opensIn(transitions)).toBe(0);
        expect(breaker.state === "open").toBe(opensIn(transitions) === 1);
        if (breaker.state !== "open") return;

        // Trip 2: half-open admits exactly its 3 probes out of many concurrent calls.
        clock.tick(100);
        expect(breaker.state as string).toBe("half-open");
        const before = opensIn(transitions);
        const second = probeOutcomes.map(call);
        await s.waitAll();
        const results = await Promise.all(second);
        const rejected = results.filter((r) => r instanceof BrokenCircuitError).length;
        expect(rejected).toBe(probeOutcomes.length - 3);
        // Probes are judged together: the failure rate over the 3 probes against the 0.5 threshold.
        const probesFailed = probeOutcomes.slice(0, 3).filter(Boolean).length / 3 >= 0.5;
        expect(opensIn(transitions) - before).toBe(probesFailed ? 1 : 0);
        expect(breaker.state as string).toBe(probesFailed ? "open" : "closed");
      },
    ),
    { numRuns: 500 },
  );
});
