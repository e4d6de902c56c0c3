/**
 * Failure detection: how long after `kill -9` the registry reports an instance critical, over 10
 * kills, as a ratio to the instance TTL (goal ≤ 1.5). Two readings per kill: by TTL alone (active
 * checks slowed to once a minute) and with the default active checks, which see a refused
 * connection long before the TTL runs out.
 * Usage: bun run bench/registry.ts [kills]   (real Postgres and Redis; own database and key prefix)
 */
import { join } from "node:path";
import { createServiceTokenSigner } from "@diana/core/auth";
import { machine } from "./lib/machine";
import { REDIS_URL, scratch } from "./lib/scratch";

const root = join(import.meta.dir, "..");
const kills = Number(Bun.argv[2] ?? 10);
const TTL = 3_000;
const HEARTBEAT = 1_000;
const secret = `${crypto.randomUUID()}${crypto.randomUUID()}`.replaceAll("-", "");
const signer = createServiceTokenSigner({ secret, subject: "bench" });

const freePort = () => {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port as number;
  probe.stop(true);
  return port;
};

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

async function measure(label: string, registryEnv: Record<string, string>, env: Record<string, string>) {
  const registryPort = freePort();
  const registryUrl = `http://127.0.0.1:${registryPort}`;
  const registry = Bun.spawn(["bun", join(root, "services/registry/src/main.ts")], {
    env: { ...process.env, ...env, ...registryEnv, PORT: String(registryPort), LOG_LEVEL: "error" },
    stdout: "ignore",
    stderr: "inherit",
  });
  const auth = async () => ({ authorization: `Bearer ${await signer.token()}` });
  const statusOf = async (id: string) =>
    (
      (await (await fetch(`${registryUrl}/instances/${id}`, { headers: await auth() })).json()) as {
        status: string;
      }
    ).status;
  const ratios: number[] = [];
  try {
    await until(
      async () => (await fetch(`${registryUrl}/health/ready`)).ok || undefined,
      20_000,
      "the registry",
    );
    for (let i = 0; i < kills; i++) {
      const port = freePort();
      const instance = Bun.spawn(["bun", join(root, "services/kucoin/src/main.ts")], {
        env: { ...process.env, ...env, PORT: String(port), REGISTRY_URL: registryUrl, LOG_LEVEL: "error" },
        stdout: "ignore",
        stderr: "inherit",
      });
      const id = await until(
        async () => {
          const res = await fetch(`${registryUrl}/instances?service=kucoin`, { headers: await auth() });
          const { instances } = (await res.json()) as {
            instances: Array<{ id: string; url: string; status: string }>;
          };
          return instances.find((x) => x.url.endsWith(`:${port}`) && x.status === "passing")?.id;
        },
        20_000,
        "the instance to pass",
      );
      // Kill right after a heartbeat would be the worst case; a random phase is the honest average.
      await Bun.sleep(Math.random() * HEARTBEAT);
      const killedAt = performance.now();
      instance.kill("SIGKILL");
      await until(async () => (await statusOf(id)) === "critical" || undefined, 4 * TTL, "critical");
      ratios.push((performance.now() - killedAt) / TTL);
      await instance.exited;
    }
  } finally {
    registry.kill("SIGTERM");
    await registry.exited;
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  console.log(
    `${label.padEnd(38)} detection/TTL: p50 ${pick(0.5).toFixed(2)}  max ${sorted.at(-1)!.toFixed(2)}  ` +
      `(p50 ${Math.round(pick(0.5) * TTL)} ms, max ${Math.round(sorted.at(-1)! * TTL)} ms; TTL ${TTL} ms, n=${ratios.length})`,
  );
  return sorted.at(-1)!;
}

export async function main() {
  const m = machine();
  console.log(`registry failure detection — ${m.date}, ${m.cpus} × ${m.model}, bun ${m.bun}`);
  const bench = await scratch();
  const dbUrl = bench.databaseUrl;
  const prefix = bench.keyPrefix;
  const env = {
    DATABASE_URL: dbUrl,
    REDIS_URL,
    DIANA_KV_PREFIX: prefix,
    SERVICE_TOKEN: secret,
    INSTANCE_TTL_MS: String(TTL),
    HEARTBEAT_INTERVAL_MS: String(HEARTBEAT),
  };
  try {
    // Each reading on a fleet of its own (its own key prefix), so the first's dead instances are not in the second.
    const ttlOnly = await measure(
      "TTL only (checks every 60 s)",
      { REGISTRY_CHECK_INTERVAL_MS: "60000" },
      { ...env, DIANA_KV_PREFIX: `${prefix}ttl:` },
    );
    const withChecks = await measure(
      "TTL + active checks (every 5 s)",
      {},
      { ...env, DIANA_KV_PREFIX: `${prefix}checks:` },
    );
    console.log(`\nworst case: ${Math.max(ttlOnly, withChecks).toFixed(2)} × TTL (goal ≤ 1.5)`);
  } finally {
    await bench.drop();
  }
}

if (import.meta.main) await main();
