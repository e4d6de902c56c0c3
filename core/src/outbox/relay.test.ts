import { beforeEach, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { Registry } from "prom-client";
import type { EventEnvelope } from "../bus/types";
import { waitFor } from "../testing/wait-for";
import { bindOutboxMetrics } from "./metrics";
import { createOutboxRelay } from "./relay";
import { rowsOf } from "./rows";
import { outboxTestServers } from "./testing/harness";

const { h, suite } = await outboxTestServers();

suite("outbox relay on Postgres and RabbitMQ", () => {
  const database = h.database();
  const outbox = h.outbox(database);
  const count = async (where = sql`true`) =>
    rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from trading.outbox where ${where}`),
    )[0]!.n;

  /** A consumer that records what it gets, in order. */
  async function consumer(name: string) {
    const received: EventEnvelope[] = [];
    const bus = h.bus();
    const subscription = await bus.subscribe(
      { consumer: name, patterns: ["test.order.*"], concurrency: 1, prefetch: 100 },
      (event) => {
        received.push(event);
      },
    );
    h.defer(() => subscription.close());
    return received;
  }

  beforeEach(async () => {
    await database.db.execute(sql`delete from trading.outbox`);
  });

  test("a rolled-back transaction leaves nothing; an invalid payload throws before writing", async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await outbox.enqueue(tx, { type: "test.order.placed", subject: "a", data: { agg: "a", n: 1 } });
        throw new Error("business rule failed");
      }),
    ).rejects.toThrow("business rule failed");
    await expect(
      database.db.transaction((tx) =>
        outbox.enqueue(tx, { type: "test.order.placed", data: { agg: "a", n: "one" } as never }),
      ),
    ).rejects.toMatchObject({ code: "INVALID_EVENT" });
    expect(await count()).toBe(0);
  });

  test("the consumer gets the very envelope enqueue returned, every extension kept", async () => {
    const received = await consumer("as-written");
    const relay = createOutboxRelay({ outbox, bus: h.bus() });
    const written = await database.db.transaction((tx) =>
      outbox.enqueue(tx, [
        {
          type: "test.order.placed",
          subject: "x",
          data: { agg: "x", n: 1 },
          traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
          correlationid: "corr-1",
          causationid: "cause-1",
          priority: 7,
        },
        { type: "test.order.placed", subject: "y", data: { agg: "y", n: 2 } },
      ]),
    );
    expect(await relay.runOnce()).toEqual({ claimed: 2, published: 2, failed: 0 });
    await waitFor(() => received.length === 2);
    expect(received.toSorted((a, b) => a.id.localeCompare(b.id))).toEqual(
      written.toSorted((a, b) => a.id.localeCompare(b.id)),
    );
  });

  test("priority survives the outbox: a paused consumer's buffer runs higher priorities first", async () => {
    const order: number[] = [];
    const subscription = await h
      .bus()
      .subscribe(
        { consumer: "by-priority", patterns: ["test.order.*"], concurrency: 1, prefetch: 20 },
        (event) => void order.push(event.priority ?? 0),
      );
    h.defer(() => subscription.close());
    subscription.pause();
    await database.db.transaction((tx) =>
      outbox.enqueue(
        tx,
        Array.from({ length: 20 }, (_, i) => ({
          type: "test.order.placed" as const,
          subject: `p${i}`,
          data: { agg: `p${i}`, n: i },
          priority: i < 10 ? 1 : 8,
        })),
      ),
    );
    await createOutboxRelay({ outbox, bus: h.bus() }).runOnce();
    await waitFor(() => subscription.stats().buffered === 20, { what: "20 buffered" });
    subscription.resume();
    await waitFor(() => order.length === 20);
    expect(order).toEqual([...Array(10).fill(8), ...Array(10).fill(1)]);
  });

  // Held past a second, the early row's seq is below the floor the relay's claims start at by then (see
  // claimFloor): it is found by the claim over all pending rows that each worker makes every poll interval.
  for (const { when, holdMs } of [
    { when: "just after a later one's", holdMs: 0 },
    { when: "1.5 s after a later one's (below the claims' floor by then)", holdMs: 1_500 },
  ]) {
    test(`an event whose transaction commits ${when} is still published`, async () => {
      const received = await consumer(`late-commit-${holdMs}`);
      const relay = createOutboxRelay({ outbox, bus: h.bus(), pollIntervalMs: 200 });
      h.defer(() => relay.stop());
      await relay.start();

      let commitEarly!: () => void;
      const held = new Promise<void>((resolve) => {
        commitEarly = resolve;
      });
      let earlyId = "";
      const early = database.db.transaction(async (tx) => {
        [{ id: earlyId }] = (await outbox.enqueue(tx, {
          type: "test.order.placed",
          subject: "early",
          data: { agg: "early", n: 1 },
        })) as [EventEnvelope];
        await held;
      });
      await waitFor(() => earlyId, { what: "the early row inserted" });
      const enqueueLater = async (n: number) => {
        const [later] = await database.db.transaction((tx) =>
          outbox.enqueue(tx, { type: "test.order.placed", subject: "late", data: { agg: "late", n } }),
        );
        await waitFor(() => received.some((e) => e.id === later!.id), { what: `later row ${n} published` });
        return later!;
      };
      const late = await enqueueLater(1);
      // Later rows keep the relay claiming while the early transaction stays open.
      const since = performance.now();
      for (let n = 2; n === 2 || performance.now() - since < holdMs; n++) await enqueueLater(n);
      expect(received.map((e) => e.id)).not.toContain(earlyId);

      commitEarly();
      await early;
      await waitFor(() => received.some((e) => e.id === earlyId), {
        what: "the late-committed row published",
      });
      expect(earlyId < late.id).toBe(true); // the late one has the lower id (and seq): no high-water mark
      await waitFor(async () => (await count(sql`status = 'pending'`)) === 0);
      await relay.stop();
    });
  }

  test("three relays at once: nothing lost, nothing published twice, each aggregate in order", async () => {
    const received = await consumer("three-relays");
    const relays = [0, 1, 2].map(() =>
      createOutboxRelay({
        outbox: h.outbox(h.database(4)),
        bus: h.bus(),
        batchSize: 50,
        pollIntervalMs: 100,
      }),
    );
    for (const relay of relays) h.defer(() => relay.stop());
    await Promise.all(relays.map((r) => r.start()));

    const aggregates = 30;
    const rounds = 100;
    for (let n = 1; n <= rounds; n++) {
      await database.db.transaction((tx) =>
        outbox.enqueue(
          tx,
          Array.from({ length: aggregates }, (_, a) => ({
            type: "test.order.placed" as const,
            subject: `agg-${a}`,
            data: { agg: `agg-${a}`, n },
          })),
        ),
      );
    }
    const total = aggregates * rounds;
    await waitFor(() => received.length >= total, { timeoutMs: 30_000, what: `${total} events received` });
    await Promise.all(relays.map((r) => r.stop()));

    const published = (await Promise.all(relays.map((r) => r.stats()))).map((s) => s.published);
    expect(published.reduce((a, b) => a + b, 0)).toBe(total); // no row published twice
    expect(published.filter((p) => p > 0).length).toBeGreaterThan(1); // the relays did share the work
    expect(new Set(received.map((e) => e.id)).size).toBe(total);
    const last = new Map<string, number>();
    const outOfOrder: string[] = [];
    for (const event of received) {
      const { agg, n } = event.data as { agg: string; n: number };
      if (n !== (last.get(agg) ?? 0) + 1) outOfOrder.push(`${agg}: ${last.get(agg)} then ${n}`);
      last.set(agg, n);
    }
    expect(outOfOrder).toEqual([]);
    expect(await count(sql`status = 'pending'`)).toBe(0);
  });

  test("an unroutable event stays unsent, counts as unroutable, and turns dead after the last attempt", async () => {
    const registry = new Registry();
    const relay = createOutboxRelay({
      outbox,
      bus: h.bus(),
      maxAttempts: 3,
      backoff: { baseMs: 1, maxMs: 1 },
    });
    bindOutboxMetrics(relay, registry);
    const [event] = await database.db.transaction((tx) =>
      outbox.enqueue(tx, { type: "test.unrouted", data: { n: 1 } }),
    );

    expect(await relay.runOnce()).toEqual({ claimed: 1, published: 0, failed: 1 });
    const [row] = rowsOf<{ status: string; attempts: number; last_error: string }>(
      await database.db.execute(
        sql`select status, attempts, last_error from trading.outbox where id = ${event!.id}`,
      ),
    );
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.last_error).toContain("unroutable");
    expect(await relay.stats()).toMatchObject({ pending: 1, dead: 0, published: 0, unroutable: 1 });
    expect(await registry.metrics()).toContain(
      'diana_outbox_publish_failures_total{code="UNROUTABLE_EVENT"} 1',
    );
    expect(await registry.metrics()).toContain("diana_outbox_backlog 1");
    expect(await registry.metrics()).toContain("diana_outbox_round_duration_seconds_count 1");
    expect(await registry.metrics()).toContain('diana_outbox_round_rows_bucket{le="1"} 1');

    await waitFor(
      async () => {
        await relay.runOnce();
        return (await relay.stats()).dead === 1;
      },
      { what: "the row to turn dead" },
    );
    expect(await relay.dead()).toMatchObject([{ id: event!.id, attempts: 3, type: "test.unrouted" }]);
    expect(await registry.metrics()).toContain("diana_outbox_dead 1");
    expect(await relay.requeue({ ids: [event!.id] })).toEqual({ requeued: 1 });
    expect(await relay.stats()).toMatchObject({ pending: 1, dead: 0 });
  });

  test("cleanup deletes sent rows past the retention and keeps the rest", async () => {
    const relay = createOutboxRelay({ outbox, bus: h.bus(), retentionMs: 60_000 });
    await database.db.transaction((tx) =>
      outbox.enqueue(
        tx,
        [1, 2, 3].map((n) => ({ type: "test.unrouted" as const, data: { n } })),
      ),
    );
    await database.db.execute(
      sql`update trading.outbox set status = 'sent', sent_at = now() - interval '2 minutes'
          where id in (select id from trading.outbox order by seq limit 2)`,
    );
    expect(await relay.cleanup()).toBe(2);
    expect(await count()).toBe(1);
  });
});
