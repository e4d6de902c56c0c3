import { afterAll, expect, test } from "bun:test";
import { BreakerSet, BrokenCircuitError, TimeoutError, type Transition } from "../resilience";
import { createHttpClient } from "./client";
import { staticDiscovery } from "./discovery";
import { UpstreamStatusError } from "./errors";
import { startFaultServer } from "./fault-server";

const upstream = startFaultServer("fail");
afterAll(() => upstream.stop());

const TIMEOUT_MS = 200;

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.99) - 1]!;
}

async function timed(call: () => Promise<unknown>): Promise<{ ms: number; result: unknown }> {
  const start = performance.now();
  const result = await call().catch((e: unknown) => e);
  return { ms: performance.now() - start, result };
}

test("over real HTTP the breaker opens on failures, rejects fast, bounds latency while the upstream hangs, probes and closes", async () => {
  const breakers = new BreakerSet();
  const client = createHttpClient({
    discovery: staticDiscovery({ fault: [upstream.url] }),
    breakers,
    defaults: {
      timeoutMs: TIMEOUT_MS,
      retry: false,
      breaker: { window: { kind: "count", size: 10 }, minimumCalls: 5, openMs: 300, halfOpenMaxMs: 2_000 },
    },
  });
  const call = () => client.fetch("http://fault/work");
  const breaker = () => breakers.get("http:fault")!;

  // Fails: five 500s trip the breaker; then it rejects without touching the upstream.
  for (let i = 0; i < 5; i++) expect((await timed(call)).result).toBeInstanceOf(UpstreamStatusError);
  expect(breaker().state).toBe("open");
  const hitsWhenOpen = upstream.hits;
  const rejected = await timed(call);
  expect(rejected.result).toBeInstanceOf(BrokenCircuitError);
  expect(rejected.ms).toBeLessThan(20);
  expect(upstream.hits).toBe(hitsWhenOpen);

  // Hangs: every admitted probe times out; callers never wait much past the timeout.
  upstream.mode = "hang";
  const transitions: Transition[] = [];
  const sub = breaker().onStateChange((t) => transitions.push(t));
  const latencies: number[] = [];
  let timeouts = 0;
  const hangUntil = performance.now() + 1_500;
  while (performance.now() < hangUntil) {
    const r = await timed(call);
    latencies.push(r.ms);
    if (r.result instanceof TimeoutError) timeouts++;
    else expect(r.result).toBeInstanceOf(BrokenCircuitError);
    await Bun.sleep(10);
  }
  sub.dispose();
  expect(timeouts).toBeGreaterThanOrEqual(2);
  expect(p99(latencies)).toBeLessThanOrEqual(TIMEOUT_MS * 1.1);
  expect(transitions.some((t) => t.from === "half-open" && t.to === "open")).toBe(true);

  // Recovers: the next probe succeeds and the circuit closes.
  upstream.mode = "ok";
  const deadline = performance.now() + 2_000;
  let last: unknown;
  while (performance.now() < deadline && breaker().state !== "closed") {
    last = (await timed(call)).result;
    await Bun.sleep(20);
  }
  expect(breaker().state).toBe("closed");
  expect(last).toBeInstanceOf(Response);
  for (let i = 0; i < 5; i++) expect(((await call()) as Response).status).toBe(200);
  expect(breakers.list()[0]!.transitions.map((t) => t.to)).toContain("closed");
}, 15_000);
