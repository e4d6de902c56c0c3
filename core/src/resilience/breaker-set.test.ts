import { expect, test } from "bun:test";
import { BreakerSet } from "./breaker-set";
import { circuitBreaker } from "./circuit-breaker";
import { FakeClock } from "./fake-clock";

test("lists breakers as JSON-safe views and finds them by name for operator actions", async () => {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const set = new BreakerSet();
  const b = set.add("http:trading", circuitBreaker({ clock, minimumCalls: 2 }), { upstream: "trading" });
  await b.execute(() => Promise.reject(new Error("x"))).catch(() => {});
  await b.execute(async () => 1);
  set.get("http:trading")?.forceOpen();
  const [view] = JSON.parse(JSON.stringify(set.list()));
  expect(view).toMatchObject({
    name: "http:trading",
    upstream: "trading",
    state: "forced-open",
    mode: "forced-open",
    window: { calls: 2, failures: 1, failureRate: 0.5 },
    config: { minimumCalls: 2, failureRateThreshold: 0.5 },
  });
  expect(view.transitions.at(-1)).toMatchObject({
    to: "forced-open",
    reason: { kind: "manual", action: "force-open" },
  });
  expect(view.transitions[0].at).toBe("2025-01-01T00:00:00.000Z");
  expect(() => set.add("http:trading", circuitBreaker())).toThrow();
});
