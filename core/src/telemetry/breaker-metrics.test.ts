import { expect, test } from "bun:test";
import { Registry } from "prom-client";
import { BreakerSet, circuitBreaker, FakeClock } from "../resilience";
import { bindBreakerMetrics } from "./breaker-metrics";

test("exports state, transitions, calls by outcome and durations for every breaker, including later ones", async () => {
  const clock = new FakeClock();
  const registry = new Registry();
  const set = new BreakerSet();
  const a = set.add("http:a", circuitBreaker({ clock, minimumCalls: 2, openMs: 1_000 }), { upstream: "a" });
  const sub = bindBreakerMetrics(set, registry);
  const b = set.add("http:b", circuitBreaker({ clock }), { upstream: "b" });
  await a.execute(async () => clock.tick(20));
  await a.execute(() => Promise.reject(new Error("x"))).catch(() => {});
  await a.execute(() => Promise.reject(new Error("x"))).catch(() => {});
  // minimumCalls 2 at a 0.5 threshold: one success and one failure open it; the next two are rejected.
  await a.execute(async () => 1).catch(() => {});
  b.forceOpen();
  const text = await registry.metrics();
  expect(text).toContain('diana_breaker_state{breaker="http:a"} 1');
  expect(text).toContain('diana_breaker_state{breaker="http:b"} 3');
  expect(text).toContain('diana_breaker_transitions_total{breaker="http:a",from="closed",to="open"} 1');
  expect(text).toContain('diana_breaker_calls_total{breaker="http:a",outcome="success"} 1');
  expect(text).toContain('diana_breaker_calls_total{breaker="http:a",outcome="failure"} 1');
  expect(text).toContain('diana_breaker_calls_total{breaker="http:a",outcome="rejected"} 2');
  expect(text).toContain('diana_breaker_call_duration_seconds_bucket{le="0.01",breaker="http:a"} 1');
  expect(text).toContain('diana_breaker_call_duration_seconds_bucket{le="0.025",breaker="http:a"} 2');
  sub.dispose();
  clock.tick(1_000);
  expect(await registry.metrics()).toContain('diana_breaker_state{breaker="http:a"} 1');
  expect(() => bindBreakerMetrics(set, registry)).not.toThrow();
});
