import { beforeEach, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { waitFor } from "../testing/wait-for";
import { gateKeys, notifyGate } from "./notify-gate";
import { createOutboxRelay } from "./relay";
import { rowsOf } from "./rows";
import { outboxTestServers } from "./testing/harness";

const { pg, mq, h, suite } = await outboxTestServers();

suite("outbox notify gate on Postgres", () => {
  const database = h.database();
  const outbox = h.outbox(database);
  const errors: unknown[] = [];
  const newGate = (workers = 1, db = database) => {
    const gate = notifyGate(
      { database: db, schema: "trading", barrierTimeoutMs: 200, onError: (_, e) => errors.push(e) },
      workers,
    );
    h.defer(() => gate.close());
    return gate;
  };
  const event = (n: number) => ({
    type: "test.order.placed" as const,
    subject: `g-${n}`,
    data: { agg: "g", n },
  });
  const enqueue = (n: number) => database.db.transaction((tx) => outbox.enqueue(tx, event(n)));
  /** A transaction that enqueued and stays open until `commit()`. */
  function openTransaction(n: number) {
    let commit!: () => void;
    const latch = new Promise<void>((resolve) => {
      commit = resolve;
    });
    let enqueued = false;
    const done = database.db.transaction(async (tx) => {
      await outbox.enqueue(tx, event(n));
      enqueued = true;
      await latch;
    });
    return { commit, done, enqueued: () => enqueued };
  }
  /** Notifications on the outbox's channel, with a marker sent after: all of them have arrived when it has. */
  async function listening() {
    const payloads: string[] = [];
    const unlisten = await database.listen(outbox.channel, (p) => payloads.push(p));
    h.defer(unlisten);
    let markers = 0;
    return {
      async settled(): Promise<number> {
        const marker = `marker-${++markers}`;
        await database.db.execute(sql`select pg_notify(${outbox.channel}, ${marker})`);
        await waitFor(() => payloads.includes(marker), { what: marker });
        const count = payloads.filter((p) => p === "").length;
        payloads.length = 0;
        return count;
      },
    };
  }
  /** How many of the gate's locks of that kind Postgres shows, granted or waited for. */
  const locks = async (kind: "gate" | "awake", granted: boolean) =>
    rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from pg_locks
        where locktype = 'advisory' and classid = ${gateKeys("trading")[kind]} and granted = ${granted}`),
    )[0]!.n;
  /** A consumer of every test event; resolves to the ids it received. */
  async function consumer(name: string) {
    const received = new Set<string>();
    const subscription = await h
      .bus()
      .subscribe({ consumer: name, patterns: ["test.order.*"], concurrency: 50, prefetch: 100 }, (e) => {
        received.add(e.id);
      });
    h.defer(() => subscription.close());
    return received;
  }
  /** One transaction of `size` events on aggregates `<tag>-0…`, each the `n`th of its aggregate. */
  const writeBatch = async (tag: string, n: number, size: number) =>
    (
      await database.db.transaction((tx) =>
        outbox.enqueue(
          tx,
          Array.from({ length: size }, (_, i) => ({
            type: "test.order.placed" as const,
            subject: `${tag}-${i}`,
            data: { agg: `${tag}-${i}`, n },
          })),
        ),
      )
    ).map((e) => e.id);

  beforeEach(async () => {
    errors.length = 0;
    await database.db.execute(sql`delete from trading.outbox`);
  });

  test("producers notify while no relay is awake, and leave it out while one is", async () => {
    const notes = await listening();
    const gate = newGate();
    await enqueue(1);
    expect(await notes.settled()).toBe(1);

    await gate.engage();
    expect(gate.holding).toBe(true);
    await enqueue(2);
    await enqueue(3);
    expect(await notes.settled()).toBe(0);

    expect(await gate.rest(0, true)).toEqual({ result: "passed", mark: 1 });
    expect(gate.holding).toBe(false);
    await enqueue(4);
    expect(await notes.settled()).toBe(1);
    // Nothing taken since that barrier: the next rest needs none.
    expect(await gate.rest(1, false)).toEqual({ result: "quiet", mark: 1 });
    expect(errors).toEqual([]);
  });

  test("awake is taken only once every worker is busy, and by one relay of the service at a time", async () => {
    const gate = newGate(2);
    await gate.engage();
    expect(gate.holding).toBe(false);
    await gate.engage();
    expect(gate.holding).toBe(true);
    const other = newGate(1, h.database(2));
    await other.engage();
    expect(other.holding).toBe(false);
    await gate.rest(0, true);
    await other.rest(0, false);
    await other.engage();
    expect(other.holding).toBe(true);
    await other.rest(0, true);
  });

  test("the barrier waits for a producer that left its notification out; producers never wait for it", async () => {
    const notes = await listening();
    const gate = newGate();
    await gate.engage();
    const quiet = openTransaction(1);
    await waitFor(quiet.enqueued, { what: "the quiet producer's insert" });

    let rested: string | undefined;
    const resting = gate.rest(0, true).then((r) => {
      rested = r.result;
      return r;
    });
    await waitFor(async () => (await locks("gate", false)) > 0, { what: "the barrier waiting on the gate" });
    // Meanwhile another producer commits at once, and notifies: the relay is going to rest.
    await enqueue(2);
    expect(await notes.settled()).toBe(1);
    expect(rested).toBeUndefined();

    quiet.commit();
    await quiet.done;
    expect((await resting).result).toBe("passed");
    // The quiet producer committed before the barrier let the relay claim once more.
    expect(await notes.settled()).toBe(0);
  });

  test("a barrier that meets a long transaction times out and leaves it alone", async () => {
    const gate = newGate();
    await gate.engage();
    const long = openTransaction(1);
    await waitFor(long.enqueued, { what: "the long transaction's insert" });
    const started = performance.now();
    expect(await gate.rest(0, true)).toEqual({ result: "timed-out", mark: 0 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(gate.holding).toBe(false);
    long.commit();
    await long.done; // the producer went on, unharmed
    expect(await gate.rest(0, false)).toEqual({ result: "passed", mark: 1 });
    expect(errors).toEqual([]);
  });

  test("a relay without a gate says so: off when turned off or on PGlite", async () => {
    const bus = h.bus();
    expect((await createOutboxRelay({ outbox, bus, notifyGate: false }).stats()).notifyGate).toBe("off");
    const pglite = h.outbox({ ...database, session: undefined });
    expect((await createOutboxRelay({ outbox: pglite, bus }).stats()).notifyGate).toBe("off");
    expect((await createOutboxRelay({ outbox, bus }).stats()).notifyGate).toBe("notifying");
  });

  test("without a connection of its own (PGlite's single session) producers always notify", async () => {
    const notes = await listening();
    const gate = newGate(1, { ...database, session: undefined });
    await gate.engage();
    expect(gate.holding).toBe(false);
    await enqueue(1);
    expect(await notes.settled()).toBe(1);
    expect(await gate.rest(0, true)).toEqual({ result: "quiet", mark: 0 });
  });

  test("a relay on a pool of one connection keeps publishing: the gate's session is beside the pool", async () => {
    const received = await consumer("gate-pool-of-one");
    const relay = createOutboxRelay({
      outbox: h.outbox(h.database(1)),
      bus: h.bus(),
      concurrency: 1,
      batchSize: 20,
      pollIntervalMs: 60_000,
    });
    h.defer(() => relay.stop());
    relay.onEvent((e) => e.type === "error" && errors.push(e.error));
    const ids: string[] = [];
    for (let n = 0; n < 100; n++) ids.push(...(await writeBatch("one", n, 10)));
    await relay.start();
    // A backlog of 50 claims: the relay is busy and takes `awake` on its own session…
    await waitFor(async () => (await locks("awake", true)) === 1, {
      intervalMs: 2,
      what: "the relay holding awake",
    });
    expect((await relay.stats()).notifyGate).toBe("quiet");
    // …while its one pooled connection goes on claiming.
    for (let n = 100; n < 110; n++) ids.push(...(await writeBatch("one", n, 10)));
    await waitFor(() => ids.every((id) => received.has(id)), {
      timeoutMs: 15_000,
      what: "every event published",
    });
    // Resting, it lets go: producers notify again, and /ops/outbox says so.
    await waitFor(async () => (await relay.stats()).notifyGate === "notifying", {
      what: "the relay resting",
    });
    expect(await locks("awake", true)).toBe(0);
    expect(errors).toEqual([]);
  });

  test("a relay killed while it holds awake: Postgres drops the lock, and producers notify again", async () => {
    await consumer("gate-killed");
    for (let n = 0; n < 40; n++) await writeBatch("killed", n, 200);
    const proc = Bun.spawn(["bun", `${import.meta.dir}/testing/relay-process.ts`, pg.url, mq.url], {
      stdout: "ignore",
      stderr: "inherit",
    });
    try {
      await waitFor(async () => (await locks("awake", true)) === 1, {
        timeoutMs: 15_000,
        intervalMs: 5,
        what: "the relay process holding awake",
      });
      proc.kill("SIGKILL");
      await proc.exited;
      // A backend notices its client is gone when it next reads from it: one busy with a claim finishes it
      // first, which on a slow machine under a full suite took longer than the default 5 s.
      await waitFor(async () => (await locks("awake", true)) === 0, {
        timeoutMs: 15_000,
        what: "Postgres dropping the killed relay's lock",
      });
      const notes = await listening();
      await enqueue(2);
      expect(await notes.settled()).toBe(1);
    } finally {
      proc.kill("SIGKILL");
    }
  }, 30_000);

  test("a busy relay keeps producers quiet, and every event is published soon after, without polling", async () => {
    const received = await consumer("gate-relay");
    const notifications: string[] = [];
    h.defer(await database.listen(outbox.channel, (p) => notifications.push(p)));
    // A poll interval longer than the test: a lost wake-up cannot be covered by polling.
    const relay = createOutboxRelay({ outbox, bus: h.bus(), pollIntervalMs: 60_000, batchSize: 100 });
    h.defer(() => relay.stop());
    relay.onEvent((e) => e.type === "error" && errors.push(e.error));
    await relay.start();

    const producers = h.database(8);
    const producerOutbox = h.outbox(producers);
    let transactions = 0;
    const write = async (n: number) => {
      const events = await producers.db.transaction((tx) =>
        producerOutbox.enqueue(
          tx,
          Array.from({ length: 10 }, (_, i) => ({
            type: "test.order.placed" as const,
            subject: `agg-${(n * 10 + i) % 97}`,
            data: { agg: "busy", n: n * 10 + i },
          })),
        ),
      );
      transactions++;
      return events.map((e) => e.id);
    };
    let next = 0;
    const ids: string[] = [];
    // Bursts from 8 connections, then a lone transaction right after each: it lands while the relay is
    // busy, winding down or resting — each must be published long before the poll interval.
    for (let burst = 0; burst < 10; burst++) {
      const writers = Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 20; i++) ids.push(...(await write(next++)));
      });
      await Promise.all(writers);
      ids.push(...(await write(next++)));
      await waitFor(() => ids.every((id) => received.has(id)), {
        timeoutMs: 15_000,
        what: `burst ${burst}: every event published`,
      });
    }
    expect(received.size).toBe(ids.length);
    expect(notifications.length).toBeLessThan(transactions * 0.75); // many transactions stayed quiet
    expect(errors).toEqual([]);
    // Published rows are marked sent when their round commits, just after the consumer may have them.
    const pending = async () =>
      rowsOf<{ n: number }>(
        await database.db.execute(
          sql`select count(*)::int as n from trading.outbox where status = 'pending'`,
        ),
      )[0]!.n;
    await waitFor(async () => (await pending()) === 0, { what: "no row pending" });
  });
});
