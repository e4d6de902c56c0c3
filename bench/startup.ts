/**
 * Start-up and memory of the suite: time from spawn to "all ready" on embedded and on real
 * infrastructure, RSS of the embedded suite, and RSS of one service alone on real infrastructure.
 * Usage: bun run bench/startup.ts [runs]   (default 3 runs each)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { REDIS_URL, scratch } from "./lib/scratch";

const root = join(import.meta.dir, "..");
const runs = Number(Bun.argv[2] ?? 3);
const token = `${crypto.randomUUID()}${crypto.randomUUID()}`.replaceAll("-", "");

const rssMb = async (pid: number) => {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

async function waitForLine(
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">,
  pattern: RegExp,
  timeoutMs: number,
) {
  const decoder = new TextDecoder();
  let text = "";
  const deadline = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  for await (const chunk of proc.stdout) {
    text += decoder.decode(chunk);
    const m = pattern.exec(text);
    if (m) {
      clearTimeout(deadline);
      return m;
    }
  }
  throw new Error(
    `process ended before printing ${pattern}:\n${text}\n${await new Response(proc.stderr).text()}`,
  );
}

// Ports here stay below Linux's ephemeral range (32768–60999): there an outgoing connection's local port
// (a Postgres or AMQP client's) can hold the very port a service is about to listen on — EADDRINUSE.
async function suiteRun(env: Record<string, string>, offset: number) {
  const started = performance.now();
  const proc = Bun.spawn(["bun", "apps/suite/src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      SERVICE_TOKEN: token,
      DIANA_PORT_OFFSET: String(offset),
      LOG_LEVEL: "error",
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const m = await waitForLine(proc, /(\d+) services ready in ([\d.]+) s/, 60_000);
  const wallMs = performance.now() - started;
  const rss = await rssMb(proc.pid);
  proc.kill("SIGTERM");
  await proc.exited;
  return { wallMs, reportedMs: Number(m[2]) * 1000, rss };
}

async function aloneRun(env: Record<string, string>) {
  const registry = Bun.spawn(["bun", "services/registry/src/main.ts"], {
    cwd: root,
    env: { ...process.env, ...env, SERVICE_TOKEN: token, PORT: "27021", LOG_LEVEL: "error" },
    stdout: "ignore",
    stderr: "inherit",
  });
  const started = performance.now();
  const trading = Bun.spawn(["bun", "services/trading/src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      SERVICE_TOKEN: token,
      PORT: "27000",
      REGISTRY_URL: "http://127.0.0.1:27021",
      LOG_LEVEL: "error",
    },
    stdout: "ignore",
    stderr: "inherit",
  });
  const deadline = performance.now() + 30_000;
  for (;;) {
    const ok = await fetch("http://127.0.0.1:27000/health/ready").then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() > deadline) throw new Error("trading alone did not become ready in 30 s");
    await Bun.sleep(20);
  }
  const readyMs = performance.now() - started;
  // Let it settle a moment under its own heartbeats before reading memory.
  await fetch("http://127.0.0.1:27000/ops/info");
  const rss = await rssMb(trading.pid);
  trading.kill("SIGTERM");
  registry.kill("SIGTERM");
  await Promise.all([trading.exited, registry.exited]);
  return { readyMs, rss };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[], unit: string, digits = 0) =>
  `median ${median(xs).toFixed(digits)} ${unit} (min ${Math.min(...xs).toFixed(digits)}, max ${Math.max(...xs).toFixed(digits)}, n=${xs.length})`;

export async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), "diana-bench-"));
  const bench = await scratch();
  const dbUrl = bench.databaseUrl;
  const prefix = bench.keyPrefix;
  try {
    console.log(
      `suite start-up, ${runs} runs each (first embedded run also creates the PGlite data directory)`,
    );
    const embedded = [];
    for (let i = 0; i < runs + 1; i++) embedded.push(await suiteRun({ DIANA_DATA_DIR: dataDir }, 20_000));
    const [cold, ...warm] = embedded;
    const real = [];
    for (let i = 0; i < runs; i++)
      real.push(await suiteRun({ DATABASE_URL: dbUrl, REDIS_URL, DIANA_KV_PREFIX: prefix }, 20_000));
    const alone = [];
    for (let i = 0; i < runs; i++)
      alone.push(await aloneRun({ DATABASE_URL: dbUrl, REDIS_URL, DIANA_KV_PREFIX: prefix }));

    console.log("\n== startup ==");
    console.log(
      `embedded, first run (creates PGlite data): ${(cold!.wallMs / 1000).toFixed(2)} s spawn→ready`,
    );
    console.log(
      `embedded, spawn→all ready:  ${fmt(
        warm.map((r) => r.wallMs / 1000),
        "s",
        2,
      )}`,
    );
    console.log(
      `embedded, launch→all ready: ${fmt(
        warm.map((r) => r.reportedMs / 1000),
        "s",
        2,
      )}`,
    );
    console.log(
      `real,     spawn→all ready:  ${fmt(
        real.map((r) => r.wallMs / 1000),
        "s",
        2,
      )}`,
    );
    console.log(
      `real,     launch→all ready: ${fmt(
        real.map((r) => r.reportedMs / 1000),
        "s",
        2,
      )}`,
    );
    console.log(
      `RSS, embedded suite (11 services, PGlite): ${fmt(
        warm.map((r) => r.rss),
        "MB",
      )}`,
    );
    console.log(
      `RSS, real-infra suite (11 services):       ${fmt(
        real.map((r) => r.rss),
        "MB",
      )}`,
    );
    console.log(
      `RSS, one service alone (trading, real):     ${fmt(
        alone.map((r) => r.rss),
        "MB",
      )}`,
    );
    console.log(
      `one service alone, spawn→ready:             ${fmt(
        alone.map((r) => r.readyMs),
        "ms",
      )}`,
    );
  } finally {
    await bench.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
