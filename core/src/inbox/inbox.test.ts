import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { EventEnvelope } from "../bus/types";
import { createOutboxRelay } from "../outbox/relay";
import { rowsOf } from "../outbox/rows";
import { outboxTestServers } from "../outbox/testing/harness";
import { waitFor } from "../testing/wait-for";
import { createInbox } from "./inbox";

const { h, suite } = await outboxTestServers();

suite("inbox on Postgres and RabbitMQ", () => {
  const database = h.database();
  const outbox = h.outbox(database);
  const effects = async (consumer: string) =>
    rowsOf<{ event_id: string; n: number }>(
      await database.db.execute(
        sql`select event_id, count(*)::int as n from public.effects where consumer = ${consumer} group by event_id`,
      ),
    );

  test("setup: an effects table without a unique key, so a second effect would show", async () => {
    await database.db.execute(
      sql`create table public.effects (consumer text not null, event_id text not null)`,
    );
  });

  test("a redelivered event and a concurrent duplicate have one effect", async () => {
    const inbox = createInbox({ database, schema: "trading" });
    const duplicates: string[] = [];
    const bus = h.bus();
    let runs = 0;
    const subscription = await bus.subscribe(
      { consumer: "dupes", patterns: ["test.order.*"], concurrency: 4 },
      inbox.handler(
        async (event, context, tx) => {
          runs++;
          await tx.execute(sql`insert into public.effects values (${context.consumer}, ${event.id})`);
        },
        { onDuplicate: (eventId) => duplicates.push(eventId) },
      ),
    );
    h.defer(() => subscription.close());
    const id = Bun.randomUUIDv7();
    const event = { type: "test.order.placed" as const, id, subject: "x", data: { agg: "x", n: 1 } };
    await Promise.all([bus.publish(event), bus.publish(event), bus.publish(event)]);
    await waitFor(async () => (await effects("dupes")).length === 1 && subscription.stats().succeeded === 3);
    expect(await effects("dupes")).toEqual([{ event_id: id, n: 1 }]);
    expect(runs).toBe(1);
    expect(duplicates).toEqual([id, id]);
  });

  test("a poison event reaches the DLQ with its history while the other 999 are processed; after a fix, replay processes it once", async () => {
    const inbox = createInbox({ database, schema: "trading", retry: { delaysMs: [20, 40] } });
    const bus = h.bus({ delaysMs: [20, 40] });
    let fixed = false;
    const poison = 500;
    const attemptsSeen: number[] = [];
    const subscription = await bus.subscribe(
      { consumer: "poison", patterns: ["test.order.*"], concurrency: 8, prefetch: 64 },
      inbox.handler(async (event, context, tx) => {
        const { n } = event.data as { n: number };
        await tx.execute(sql`insert into public.effects values (${context.consumer}, ${event.id})`);
        if (n === poison && !fixed) {
          attemptsSeen.push(context.attempt);
          throw new Error(`cannot handle order ${n}`);
        }
      }),
    );
    h.defer(() => subscription.close());
    const relay = createOutboxRelay({ outbox, bus: h.bus(), pollIntervalMs: 100 });
    h.defer(() => relay.stop());
    await relay.start();
    const sent = (await database.db.transaction((tx) =>
      outbox.enqueue(
        tx,
        Array.from({ length: 1_000 }, (_, i) => ({
          type: "test.order.placed" as const,
          subject: `p-${i}`,
          data: { agg: `p-${i}`, n: i + 1 },
        })),
      ),
    )) as EventEnvelope[];
    const poisonId = sent[poison - 1]!.id;

    await waitFor(async () => (await bus.dlq.depth("poison")) === 1, { timeoutMs: 20_000, what: "the DLQ" });
    await waitFor(async () => (await effects("poison")).length === 999, { timeoutMs: 20_000 });
    const [letter] = await bus.dlq.browse("poison");
    expect(letter).toMatchObject({ id: poisonId, origin: "poison" });
    expect(letter!.attempts.map((a) => [a.attempt, a.error])).toEqual([
      [1, "cannot handle order 500"],
      [2, "cannot handle order 500"],
      [3, "cannot handle order 500"],
    ]);
    expect(attemptsSeen).toEqual([1, 2, 3]);
    expect((await effects("poison")).map((e) => e.event_id)).not.toContain(poisonId);

    fixed = true;
    expect(await inbox.replay(bus.dlq, "poison", { ids: [poisonId] })).toEqual({ replayed: 1 });
    await waitFor(async () => (await effects("poison")).length === 1_000, { what: "the replayed event" });
    // The same event again (a second replay, a republish): the inbox keeps it to one effect.
    await bus.publish({
      type: "test.order.placed",
      id: poisonId,
      subject: "p",
      data: { agg: "p", n: poison },
    });
    await waitFor(() => subscription.stats().succeeded >= 1_001);
    const all = await effects("poison");
    expect(all.length).toBe(1_000);
    expect(all.every((e) => e.n === 1)).toBe(true);
    expect(await bus.dlq.depth("poison")).toBe(0);
    await relay.stop();
  });

  test("replay refuses events older than the retention unless forced", async () => {
    let now = Date.now();
    const inbox = createInbox({
      database,
      schema: "trading",
      retentionMs: 60_000,
      clock: { now: () => now },
    });
    const bus = h.bus({ delaysMs: [10] });
    const subscription = await bus.subscribe({ consumer: "old", patterns: ["test.order.*"] }, () => {
      throw Object.assign(new Error("no"), { retryable: false });
    });
    h.defer(() => subscription.close());
    const event = await bus.publish({ type: "test.order.placed", subject: "o", data: { agg: "o", n: 1 } });
    await waitFor(async () => (await bus.dlq.depth("old")) === 1);

    now += 120_000;
    await expect(inbox.replay(bus.dlq, "old")).rejects.toMatchObject({
      code: "REPLAY_OUTSIDE_RETENTION",
      ids: [event.id],
    });
    expect(await bus.dlq.depth("old")).toBe(1);
    await subscription.close();
    expect(await inbox.replay(bus.dlq, "old", { force: true })).toEqual({ replayed: 1 });
  });

  test("retention must outlast the retry ladder; cleanup forgets ids past it", async () => {
    expect(() =>
      createInbox({ database, schema: "trading", retentionMs: 1_000, retry: { delaysMs: [1_000, 10_000] } }),
    ).toThrow("must outlast the retry ladder");
    const inbox = createInbox({ database, schema: "trading", retentionMs: 60_000 });
    await database.db.execute(
      sql`insert into trading.inbox (consumer, event_id, processed_at) values
          ('c', 'old', now() - interval '2 minutes'), ('c', 'new', now())`,
    );
    expect(await inbox.cleanup()).toBe(1);
    expect(
      rowsOf(await database.db.execute(sql`select event_id from trading.inbox where consumer = 'c'`)),
    ).toEqual([{ event_id: "new" }]);
  });
});
