import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import postgres from "postgres";
import { amqpBaseUrl, postgresAdminUrl, redisUrl } from "./run-env";

const safe = (url: string) => url.replace(/\/\/[^@/]*@/, "//***@");

const admin = () => postgres(postgresAdminUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });

const redis = () =>
  new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });

/** Why Postgres or Redis cannot be used, or undefined when both answer. */
export async function unavailableInfra(): Promise<string | undefined> {
  const problems: string[] = [];
  const sql = admin();
  try {
    await sql`select 1`;
  } catch (e) {
    problems.push(`Postgres at ${safe(postgresAdminUrl)} does not answer (${(e as Error).message})`);
  } finally {
    await sql.end({ timeout: 0 });
  }
  const kv = redis();
  try {
    await kv.connect();
    await kv.ping();
  } catch (e) {
    problems.push(`Redis at ${safe(redisUrl)} does not answer (${(e as Error).message})`);
  } finally {
    kv.disconnect();
  }
  const broker = rabbitmqctl("status");
  if (broker) problems.push(`RabbitMQ does not answer rabbitmqctl (${broker})`);
  return problems.length ? problems.join("; ") : undefined;
}

/** Runs rabbitmqctl; returns why it failed, or undefined. */
function rabbitmqctl(...args: string[]): string | undefined {
  const run = spawnSync("rabbitmqctl", args, { encoding: "utf8", timeout: 15_000 });
  if (run.error) return run.error.message;
  return run.status === 0 ? undefined : (run.stderr || run.stdout).trim().split("\n")[0];
}

/** Creates vhost `diana-e2e-<id>` with rights for the broker's user and returns its URL. */
export function createVhost(id: string): { name: string; url: string } {
  const name = `diana-e2e-${id}`;
  const user = decodeURIComponent(new URL(amqpBaseUrl).username || "guest");
  for (const args of [
    ["add_vhost", name],
    ["set_permissions", "-p", name, user, ".*", ".*", ".*"],
  ]) {
    const failed = rabbitmqctl(...args);
    if (failed) throw new Error(`rabbitmqctl ${args.join(" ")}: ${failed}`);
  }
  return { name, url: `${amqpBaseUrl.replace(/\/$/, "")}/${encodeURIComponent(name)}` };
}

export function deleteVhost(name: string): void {
  const failed = rabbitmqctl("delete_vhost", name);
  if (failed) throw new Error(`rabbitmqctl delete_vhost ${name}: ${failed}`);
}

export const runId = () => randomBytes(6).toString("hex");

/** Creates `diana_e2e_<id>` and returns its URL. */
export async function createDatabase(id: string): Promise<{ name: string; url: string }> {
  const name = `diana_e2e_${id}`;
  const sql = admin();
  try {
    await sql`create database ${sql(name)}`;
  } finally {
    await sql.end({ timeout: 5 });
  }
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Terminates every connection to the database and drops it. */
export async function dropDatabase(name: string): Promise<void> {
  const sql = admin();
  try {
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
    await sql`drop database if exists ${sql(name)}`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Deletes every Redis key under `prefix`; returns how many. */
export async function deleteKeys(prefix: string): Promise<number> {
  const kv = redis();
  await kv.connect();
  let deleted = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await kv.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length) deleted += await kv.del(...keys);
    } while (cursor !== "0");
  } finally {
    kv.disconnect();
  }
  return deleted;
}
