import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { Connection } from "rabbitmq-client";
import { withInbox } from "../inbox/with-inbox";
import { waitFor } from "../testing/wait-for";
import { createOutboxRelay } from "./relay";
import { rowsOf } from "./rows";
import { outboxTestServers } from "./testing/harness";

const { pg, mq, h, suite } = await outboxTestServers();

suite("outbox faults on Postgres and RabbitMQ", () => {
  const database = h.database();
  const outbox = h.outbox(database);
  const one = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await database.db.execute(query))[0]!;
  const pending = async () =>
    (await one<{ n: number }>(sql`select count(*)::int as n from trading.outbox where status <> 'sent'`)).n;

  /** A consumer whose every effect goes through the inbox; `progress.handled` counts effects. */
  const consumerDatabase = h.database(24);
  async function inboxConsumer(consumer: string) {
    const progress = { handled: 0, duplicates: 0 };
    const subscription = await h.bus().subscribe(
      { consumer, patterns: ["test.order.*"], concurrency: 32, prefetch: 128 },
      withInbox(
        { database: consumerDatabase, schema: "trading", onDuplicate: () => progress.duplicates++ },
        async (event, _context, tx) => {
          await tx.execute(sql`insert into public.effects values (${consumer}, ${event.id})`);
          progress.handled++;
        },
      ),
    );
    h.defer(() => subscription.close());
    return progress;
  }

  const effects = (consumer: string) =>
    one<{ total: number; distinct: number }>(
      sql`select count(*)::int as total, count(distinct event_id)::int as distinct
          from public.effects where consumer = ${consumer}`,
    );

  async function enqueue(count: number, tag: string, perTransaction = 200) {
    for (let start = 0; start < count; start += perTransaction) {
      await database.db.transaction((tx) =>
        outbox.enqueue(
          tx,
          Array.from({ length: Math.min(perTransaction, count - start) }, (_, i) => ({
            type: "test.order.placed" as const,
            subject: `${tag}-${(start + i) % 500}`,
            data: { agg: tag, n: start + i },
          })),
        ),
      );
    }
  }

  test("setup: an effects table without a unique key, so a second effect would show", async () => {
    await database.db.execute(
      sql`create table public.effects (consumer text not null, event_id text not null)`,
    );
  });

  test("relay processes killed with SIGKILL during a 20k-event run: nothing lost, one effect each, backlog drains", async () => {
    const total = 20_000;
    const progress = await inboxConsumer("killed");
    const script = `${import.meta.dir}/testing/relay-process.ts`;
    const alive = new Set<ReturnType<typeof Bun.spawn>>();
    const spawnRelay = async () => {
      const proc = Bun.spawn(["bun", script, pg.url, mq.url], { stdout: "pipe", stderr: "inherit" });
      alive.add(proc);
      const reader = proc.stdout.getReader();
      const { value } = await reader.read();
      reader.releaseLock();
      if (!new TextDecoder().decode(value).includes("ready")) throw new Error("relay process did not start");
      return proc;
    };
    let kills = 0;
    try {
      // Kill a relay each time ~1,000 more rows went out, so kills land mid-round, and start another.
      await enqueue(total, "k");
      await Promise.all([spawnRelay(), spawnRelay()]);
      for (;;) {
        const mark = await pending();
        if (mark < 1_000) break;
        await waitFor(async () => (await pending()) <= mark - 1_000, {
          timeoutMs: 30_000,
          what: "relays publishing between kills",
        });
        const victim = [...alive][kills % alive.size]!;
        victim.kill("SIGKILL");
        await victim.exited;
        alive.delete(victim);
        kills++;
        await spawnRelay();
      }
      await waitFor(async () => (await pending()) === 0 && progress.handled >= total, {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: "the backlog to drain",
      });
      expect(kills).toBeGreaterThanOrEqual(3);
      expect(await effects("killed")).toEqual({ total, distinct: total });
      expect(await pending()).toBe(0);
      // Rows a killed relay published but could not mark sent were republished; the inbox absorbed them.
      console.log(
        `kill -9: ${kills} relays killed, ${progress.duplicates} redeliveries absorbed by the inbox`,
      );
    } finally {
      for (const proc of alive) proc.kill("SIGKILL");
    }
  }, 120_000);

  test("RabbitMQ stopped and started mid-run: unconfirmed publishes are retried, nothing lost", async () => {
    const progress = await inboxConsumer("outage");
    const relay = createOutboxRelay({
      outbox,
      bus: h.bus(),
      batchSize: 100,
      pollIntervalMs: 100,
      publishTimeoutMs: 1_000,
      maxAttempts: 1_000,
      backoff: { baseMs: 100, maxMs: 500 },
    });
    h.defer(() => relay.stop());
    await relay.start();
    let stopped = false;
    try {
      await enqueue(1_000, "o1", 50);
      await waitFor(() => progress.handled >= 300, { what: "traffic before the outage" });
      const stopping = mq.list("stop_app");
      stopped = true;
      await enqueue(1_000, "o2", 50); // while the broker goes down
      await stopping;
      await enqueue(1_000, "o3", 50); // while it is down
      await waitFor(async () => (await relay.stats()).failed > 0, {
        timeoutMs: 15_000,
        what: "failed publishes",
      });
      expect(await pending()).toBeGreaterThan(0);
      await mq.list("start_app");
      stopped = false;
      await waitFor(async () => (await pending()) === 0 && progress.handled >= 3_000, {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: "the backlog to drain after the broker came back",
      });
      expect(await effects("outage")).toEqual({ total: 3_000, distinct: 3_000 });
      await relay.stop();
    } finally {
      if (stopped) await mq.list("start_app").catch(() => {});
      await mq.list("await_startup").catch(() => {});
      await waitFor(
        async () => {
          const probe = new Connection({ url: mq.url, retryLow: 100, retryHigh: 200 });
          try {
            await probe.onConnect(2_000);
            return true;
          } finally {
            await probe.close();
          }
        },
        { timeoutMs: 30_000, intervalMs: 200, what: "RabbitMQ to answer again" },
      );
    }
  }, 90_000);
});
