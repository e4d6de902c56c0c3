/**
 * Macro benchmark: wrk against a local Bun route that calls a local upstream through Diana's HTTP
 * client, once with no policies and once with breaker + retry (+ timeout), runs interleaved.
 * Prints req/s and the ratio (goal ≥ 0.95×). `bun run bench/http-client.ts`
 */
import { createHttpClient, staticDiscovery } from "@diana/core/http";
import { BreakerSet } from "@diana/core/resilience";
import { ratio, summaryBlock } from "./lib/machine";
import { hasWrk, wrk } from "./lib/wrk";

const ROUNDS = 3;
const DURATION_S = 4;

export async function main(): Promise<string> {
  if (!hasWrk()) throw new Error("wrk is not installed (apt-get install -y wrk)");
  const upstream = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("ok") });
  const discovery = staticDiscovery({ upstream: [`http://127.0.0.1:${upstream.port}`] });
  const bare = createHttpClient({ discovery, defaults: { retry: false, breaker: false, timeoutMs: false } });
  const breakers = new BreakerSet();
  // The goal compares breaker + retry against nothing; the per-attempt timeout is measured separately.
  const resilient = createHttpClient({
    discovery,
    breakers,
    defaults: { timeoutMs: false, retry: { maxAttempts: 3 } },
  });
  const full = createHttpClient({ discovery, defaults: { timeoutMs: 2_000, retry: { maxAttempts: 3 } } });
  const relay = async (client: typeof bare) => {
    const res = await client.request("upstream", "/");
    return new Response(await res.text());
  };
  const front = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    routes: {
      "/bare": () => relay(bare),
      "/resilient": () => relay(resilient),
      "/full": () => relay(full),
    },
  });
  const base = `http://127.0.0.1:${front.port}`;
  const rps = { bare: [] as number[], resilient: [] as number[], full: [] as number[] };
  let errors = 0;
  try {
    await wrk({ url: `${base}/bare`, durationS: 1 });
    await wrk({ url: `${base}/resilient`, durationS: 1 });
    await wrk({ url: `${base}/full`, durationS: 1 });
    for (let round = 0; round < ROUNDS; round++) {
      const order = ["bare", "resilient", "full"] as const;
      for (const kind of round % 2 === 0 ? order : [...order].reverse()) {
        const r = await wrk({ url: `${base}/${kind}`, durationS: DURATION_S });
        rps[kind].push(r.rps);
        errors += r.errors;
        console.log(`round ${round + 1} ${kind.padEnd(9)} ${r.rps.toFixed(0)} req/s`);
      }
    }
  } finally {
    front.stop(true);
    upstream.stop(true);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const b = median(rps.bare);
  const r = median(rps.resilient);
  const block = summaryBlock("bench/http-client.ts — client with breaker + retry vs without (wrk)", [
    ["load", `wrk -t2 -c64, ${ROUNDS} alternating rounds × ${DURATION_S} s per variant, median`],
    ["without policies req/s", `${b.toFixed(0)} (runs ${rps.bare.map((x) => x.toFixed(0)).join(", ")})`],
    ["breaker + retry req/s", `${r.toFixed(0)} (runs ${rps.resilient.map((x) => x.toFixed(0)).join(", ")})`],
    ["ratio", ratio(r, b, 0.95, true)],
    [
      "+ 2 s timeout req/s",
      `${median(rps.full).toFixed(0)} (runs ${rps.full.map((x) => x.toFixed(0)).join(", ")}), ratio ${ratio(median(rps.full), b)}`,
    ],
    ["errors (non-2xx + socket)", String(errors)],
    ["breaker after load", breakers.list()[0]?.state ?? "none"],
  ]);
  console.log(`\n${block}`);
  return block;
}

if (import.meta.main) await main();
