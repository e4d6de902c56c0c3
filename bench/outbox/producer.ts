/**
 * One producer process of `bench/outbox.ts`: commits business transactions of `perTx` events at `rate`
 * events/s (open loop, each transaction has its due time) from `connections` connections, starting at
 * the wall-clock instant `startAt` and for `ms`. Prints `c <id> <commit ms>` per event when `ids` is set
 * (wall clock: `performance.timeOrigin + performance.now()`, comparable across processes), then one line
 * `done <json>` with what it wrote. Argument: one JSON object (see `ProducerArgs`).
 */
import { defineEvents, Type } from "@diana/core/bus";
import { createOutbox } from "@diana/core/outbox";
import { connect } from "@diana/db";
import postgres from "postgres";

export interface ProducerArgs {
  mode: "outbox" | "graphile";
  url: string;
  rate: number;
  ms: number;
  perTx: number;
  connections: number;
  startAt: number;
  ids: boolean;
  /** Distinguishes this process's order ids from its siblings'. */
  tag: string;
}

export const TYPE = "bench.order.placed";
export const catalog = defineEvents({ [TYPE]: Type.Object({ orderId: Type.String(), qty: Type.String() }) });

const now = () => performance.timeOrigin + performance.now();

async function run(args: ProducerArgs): Promise<void> {
  const database =
    args.mode === "outbox" ? await connect({ url: args.url, max: args.connections }) : undefined;
  const raw =
    args.mode === "graphile" ? postgres(args.url, { max: args.connections, onnotice: () => {} }) : undefined;
  const outbox = database && createOutbox({ database, schema: "trading", catalog, source: "/bench/outbox" });
  let seq = 0;
  const events = (n: number) =>
    Array.from({ length: n }, () => {
      const i = seq++;
      return { subject: `agg-${i % 1000}`, data: { orderId: `${args.tag}-${i}`, qty: "1" } };
    });
  const write = async (n: number): Promise<string[]> => {
    if (database && outbox) {
      const written = await database.db.transaction((tx) =>
        outbox.enqueue(
          tx,
          events(n).map((e) => ({ type: TYPE, ...e })),
        ),
      );
      return written.map((e) => e.id);
    }
    const jobs = events(n).map((e) => ({ id: Bun.randomUUIDv7(), ...e }));
    await raw!.begin(
      (tx) =>
        tx`select graphile_worker.add_job('publish', x::json) from jsonb_array_elements(${raw!.json(jobs)}::jsonb) x`,
    );
    return jobs.map((j) => j.id);
  };
  // Warm every connection before the start instant.
  if (database) await Promise.all(Array.from({ length: args.connections }, () => database.sql`select 1`));
  else await Promise.all(Array.from({ length: args.connections }, () => raw!`select 1`));

  const txPerSecond = args.rate / args.perTx;
  const total = Math.floor((txPerSecond * args.ms) / 1000);
  const wait0 = args.startAt - now();
  if (wait0 > 0) await Bun.sleep(wait0);
  const t0 = now();
  let next = 0;
  let lastCommit = t0;
  const out: string[] = [];
  await Promise.all(
    Array.from({ length: args.connections }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const wait = t0 + (i / txPerSecond) * 1000 - now();
        if (wait > 1) await Bun.sleep(wait);
        const ids = await write(args.perTx);
        const at = now();
        lastCommit = Math.max(lastCommit, at);
        if (args.ids) for (const id of ids) out.push(`c ${id} ${at.toFixed(3)}`);
      }
    }),
  );
  const written = total * args.perTx;
  const elapsed = lastCommit - t0;
  if (out.length > 0) await Bun.write(Bun.stdout, `${out.join("\n")}\n`);
  console.log(
    `done ${JSON.stringify({ written, elapsed, achieved: written / (Math.max(elapsed, args.ms) / 1000) })}`,
  );
  await raw?.end({ timeout: 2 });
  await database?.close();
}

if (import.meta.main) {
  await run(JSON.parse(Bun.argv[2] ?? "{}") as ProducerArgs);
  process.exit(0);
}
