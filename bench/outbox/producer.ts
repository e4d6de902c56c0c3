/**
 * One producer process of `bench/outbox.ts`, long-lived like the service it stands for: it connects
 * once, then commits business transactions of `perTx` events on each offer it is sent over IPC, at
 * `rate` events/s (open loop, each transaction has its due time) from `connections` connections,
 * starting at the wall-clock instant `startAt` and for `ms`. It answers each offer with what it wrote
 * and, when asked (`ids`), every event's commit time (wall clock: `performance.timeOrigin +
 * performance.now()`, comparable across processes). Argument: one JSON object (see `ProducerArgs`).
 */
import { defineEvents, Type } from "@diana/core/bus";
import { createOutbox } from "@diana/core/outbox";
import { connect } from "@diana/db";
import postgres from "postgres";

export interface ProducerArgs {
  mode: "outbox" | "graphile";
  url: string;
  connections: number;
  /** Distinguishes this process's order ids from its siblings'. */
  tag: string;
}

export interface Offer {
  rate: number;
  ms: number;
  perTx: number;
  startAt: number;
  ids: boolean;
}

/** What the process sends over IPC: once `ready`, then one `done` per offer. */
export type ProducerMessage =
  | { ready: true }
  | { done: { written: number; achieved: number; commits?: Array<[string, number]> } };

export const TYPE = "bench.order.placed";
export const catalog = defineEvents({ [TYPE]: Type.Object({ orderId: Type.String(), qty: Type.String() }) });

const now = () => performance.timeOrigin + performance.now();

async function producer(args: ProducerArgs) {
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
  // Every connection open before the first offer.
  if (database) await Promise.all(Array.from({ length: args.connections }, () => database.sql`select 1`));
  else await Promise.all(Array.from({ length: args.connections }, () => raw!`select 1`));

  return {
    async offer(offer: Offer) {
      const txPerSecond = offer.rate / offer.perTx;
      const total = Math.floor((txPerSecond * offer.ms) / 1000);
      const wait0 = offer.startAt - now();
      if (wait0 > 0) await Bun.sleep(wait0);
      const t0 = now();
      let next = 0;
      let lastCommit = t0;
      const commits: Array<[string, number]> = [];
      await Promise.all(
        Array.from({ length: args.connections }, async () => {
          for (;;) {
            const i = next++;
            if (i >= total) return;
            const wait = t0 + (i / txPerSecond) * 1000 - now();
            if (wait > 1) await Bun.sleep(wait);
            const ids = await write(offer.perTx);
            const at = now();
            lastCommit = Math.max(lastCommit, at);
            if (offer.ids) for (const id of ids) commits.push([id, at]);
          }
        }),
      );
      const written = total * offer.perTx;
      const achieved = written / (Math.max(lastCommit - t0, offer.ms) / 1000);
      return { written, achieved, ...(offer.ids ? { commits } : {}) };
    },
    async close() {
      await raw?.end({ timeout: 2 });
      await database?.close();
    },
  };
}

if (import.meta.main) {
  const self = await producer(JSON.parse(Bun.argv[2] ?? "{}") as ProducerArgs);
  const send = (message: ProducerMessage) => process.send?.(message);
  process.on("message", async (message: { offer?: Offer; stop?: true }) => {
    if (message.offer) send({ done: await self.offer(message.offer) });
    if (message.stop) {
      await self.close();
      process.exit(0);
    }
  });
  send({ ready: true });
}
