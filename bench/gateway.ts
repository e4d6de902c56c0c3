/**
 * `bun run bench gateway`: wrk through the Diana gateway (bearer token verified, GCRA rate limit charged
 * per user, breaker + retry policy of the resilient client) to a trivial upstream, against nginx
 * (`proxy_pass`, one worker, upstream keep-alive) to the same upstream, same machine, same run. Prints
 * req/s of each, the ratio, and p99 latencies, and the CPU time each proxy spent per request (user + system,
 * from `process.cpuUsage` for the gateway and `/proc` for the other proxies): on a shared machine req/s
 * moves with everyone else's load, CPU per request much less. A third proxy in the same run,
 * `gateway/bare-proxy.ts` (`Bun.serve` + `fetch`, no policy at all), shows the floor the runtime itself
 * sets for any gateway on Bun. Every load run is bounded in time.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryKv } from "@diana/core/kv";
import { silentLogger } from "@diana/core/log";
import { createTestAuth, testPlatformDeps } from "@diana/core/testing";
import { createApp } from "@diana/gateway";
import { processTreeCpuSeconds } from "./lib/cpu";

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const NGINX = process.env.NGINX ?? "/usr/sbin/nginx";

interface Run {
  rps: number;
  p99Ms: number;
  errors: number;
  /** CPU µs the proxy spent per request, when measured. */
  cpuUs?: number;
  requests: number;
}

/** Runs wrk while measuring the CPU spent by the proxy (`cpuSeconds` read before and after). */
async function measured(cpuSeconds: () => Promise<number>, run: () => Promise<Run>): Promise<Run> {
  const before = await cpuSeconds();
  const r = await run();
  const spent = (await cpuSeconds()) - before;
  return { ...r, cpuUs: (spent * 1e6) / r.requests };
}

const ownCpuSeconds = async () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const toMs = (v: string, unit: string) => Number(v) * ({ us: 1e-3, ms: 1, s: 1e3 }[unit] ?? Number.NaN);

async function wrk(url: string, headers: Record<string, string> = {}): Promise<Run> {
  const args = ["wrk", "-t2", `-c${CONNECTIONS}`, `-d${DURATION_S}s`, "--latency", "--timeout", "2s"];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
  const proc = Bun.spawn([...args, url], { stdout: "pipe", stderr: "pipe" });
  const kill = setTimeout(() => proc.kill(), (DURATION_S + 10) * 1000);
  const raw = await new Response(proc.stdout).text();
  await proc.exited;
  clearTimeout(kill);
  const p99 = /^\s*99%\s+([\d.]+)(us|ms|s)/m.exec(raw);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(raw)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(raw);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(raw)?.[1] ?? Number.NaN),
    p99Ms: p99 ? toMs(p99[1]!, p99[2]!) : Number.NaN,
    errors: non2xx + (socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0),
    requests: Number(/(\d+) requests in/.exec(raw)?.[1] ?? Number.NaN),
  };
}

async function waitHttp(url: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await Bun.sleep(50);
  }
}

const freePort = () => {
  const s = Bun.serve({ port: 0, fetch: () => new Response() });
  const p = s.port!;
  s.stop(true);
  return p;
};

export async function main(): Promise<void> {
  if (!Bun.which("wrk") || !(await Bun.file(NGINX).exists())) {
    console.log("gateway bench skipped: needs wrk and nginx");
    return;
  }
  const upstreamPort = freePort();
  const upstream = Bun.spawn(
    [
      "bun",
      "-e",
      `Bun.serve({ port: ${upstreamPort}, hostname: "127.0.0.1", fetch: () => new Response("ok") })`,
    ],
    { stdout: "ignore", stderr: "inherit" },
  );
  const dir = await mkdtemp(join(tmpdir(), "diana-nginx-"));
  const nginxPort = freePort();
  await Bun.write(
    join(dir, "nginx.conf"),
    `worker_processes 1;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream trivial { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${nginxPort};
    location /api/trivial/ {
      proxy_pass http://trivial/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  const nginx = Bun.spawn([NGINX, "-p", dir, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], {
    stdout: "ignore",
    stderr: "inherit",
  });

  const barePort = freePort();
  const bare = Bun.spawn(
    ["bun", join(import.meta.dir, "gateway/bare-proxy.ts"), String(upstreamPort), String(barePort)],
    {
      stdout: "ignore",
      stderr: "inherit",
    },
  );

  const auth = await createTestAuth();
  const gateway = createApp({
    ...testPlatformDeps({ logger: silentLogger, port: freePort(), auth: auth.users }),
    discovery: {
      resolve: async () => [{ id: "trivial-1", url: `http://127.0.0.1:${upstreamPort}` }] as never,
    },
    kv: memoryKv(),
    rateLimits: { user: { limit: 1_000_000_000, windowMs: 60_000 } },
  });
  try {
    await gateway.start();
    const gw = `http://127.0.0.1:${gateway.app.server!.port}/api/trivial/`;
    const ng = `http://127.0.0.1:${nginxPort}/api/trivial/`;
    const headers: Record<string, string> = process.env.BENCH_ANONYMOUS
      ? {}
      : { authorization: await auth.bearer("viewer") };
    const bp = `http://127.0.0.1:${barePort}/api/trivial/`;
    await Promise.all([waitHttp(`http://127.0.0.1:${upstreamPort}/`), waitHttp(ng), waitHttp(bp)]);
    const check = await fetch(gw, { headers });
    if (check.status !== 200 || !check.headers.get("ratelimit-remaining"))
      throw new Error(`gateway answered ${check.status} without rate-limit headers`);

    await wrk(gw, headers); // warm-up: JIT and connection pools
    const diana = await measured(ownCpuSeconds, () => wrk(gw, headers));
    await wrk(bp); // warm-up
    const floor = await measured(
      async () => processTreeCpuSeconds(bare.pid),
      () => wrk(bp),
    );
    const peer = await measured(
      async () => processTreeCpuSeconds(nginx.pid),
      () => wrk(ng),
    );
    const date = new Date().toISOString();
    const cpus = (await import("node:os")).cpus();
    console.log(
      `gateway vs nginx proxy_pass — ${date}, ${cpus.length}× ${cpus[0]?.model ?? "cpu"}, bun ${Bun.version}`,
    );
    console.log(
      `  wrk -t2 -c${CONNECTIONS} -d${DURATION_S}s, trivial upstream (Bun), nginx 1 worker with upstream keep-alive`,
    );
    const line = (r: Run) =>
      `${r.rps.toFixed(0).padStart(8)} req/s   p99 ${r.p99Ms.toFixed(2)} ms   CPU ${r.cpuUs?.toFixed(1)} µs/req   errors ${r.errors}`;
    console.log(`  diana gateway : ${line(diana)}`);
    console.log(`  bun bare proxy: ${line(floor)}   (Bun.serve + fetch, no policy: the runtime's floor)`);
    console.log(`  nginx         : ${line(peer)}`);
    console.log(`  ratio (diana / nginx): ${(diana.rps / peer.rps).toFixed(2)}× req/s`);
    console.log(
      `  ratio (bare bun proxy / nginx): ${(floor.rps / peer.rps).toFixed(2)}× req/s — the most any Bun gateway reaches here`,
    );
    console.log(
      `  CPU per request (nginx / diana): ${((peer.cpuUs ?? Number.NaN) / (diana.cpuUs ?? Number.NaN)).toFixed(2)}× (what the proxy itself costs; wrk and the upstream share the cores)`,
    );
  } finally {
    await gateway.stop("bench done");
    for (const p of [nginx, upstream, bare]) p.kill();
    await Promise.all([nginx.exited, upstream.exited, bare.exited]);
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
