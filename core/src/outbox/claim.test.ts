import { beforeEach, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { claimRows, type Share } from "./queries";
import { rowsOf } from "./rows";
import { harness } from "./testing/harness";
import { testOutboxDatabase } from "./testing/postgres";

const pg = await testOutboxDatabase();
const suite = pg.reason ? describe.skip : describe;
const h = harness({ ...pg, amqpUrl: "amqp://unused" });

/** The relay's claim, on its own; per-aggregate order is decided here, before anything is published. */
suite(`outbox claim on Postgres${pg.reason ? ` (skipped: ${pg.reason})` : ""}`, () => {
  const database = h.database(4);
  const outbox = h.outbox(database);
  const q = outbox.queries;

  /** Enqueues events named `<aggregate><n>` in this order, one transaction each; returns name → row id. */
  async function enqueue(...names: string[]): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const name of names) {
      const [event] = await database.db.transaction((tx) =>
        outbox.enqueue(tx, {
          type: "test.order.placed",
          subject: name[0]!,
          data: { agg: name[0]!, n: Number(name.slice(1)) },
        }),
      );
      ids.set(name, event!.id);
    }
    return ids;
  }

  /** Claims (and releases) up to `limit` rows; returns the names claimed, in order. */
  async function claim(
    ids: Map<string, string>,
    limit = 500,
    share?: Share,
    floor?: number,
  ): Promise<string[]> {
    const byId = new Map([...ids].map(([name, id]) => [id, name]));
    return database.db.transaction(async (tx) =>
      (await claimRows(tx, q, limit, share, floor)).map((row) => byId.get(row.id) ?? row.id),
    );
  }

  /** name → seq */
  async function seqs(ids: Map<string, string>): Promise<Map<string, number>> {
    const rows = rowsOf<{ id: string; seq: number }>(
      await database.db.execute(sql`select id::text as id, seq::float8 as seq from trading.outbox`),
    );
    const byId = new Map(rows.map((r) => [r.id, r.seq]));
    return new Map([...ids].map(([name, id]) => [name, byId.get(id)!]));
  }

  beforeEach(async () => {
    await database.db.execute(sql`delete from trading.outbox`);
  });

  test("a claim's transaction skips the WAL flush at commit; the connection's next transaction does not", async () => {
    const setting = async (tx: { execute(q: ReturnType<typeof sql>): PromiseLike<unknown> }) =>
      ((await tx.execute(sql`select current_setting('synchronous_commit') as s`)) as Array<{ s: string }>)[0]!
        .s;
    const server = await database.db.transaction((tx) => setting(tx));
    expect(server).not.toBe("off");
    // One connection, so the next transaction runs where the claim ran.
    const single = h.database(1);
    const during = await single.db.transaction(async (tx) => {
      await claimRows(tx, h.outbox(single).queries, 10);
      return setting(tx);
    });
    expect(during).toBe("off");
    expect(await single.db.transaction((tx) => setting(tx))).toBe(server);
  });

  test("claims due rows in insertion order, at most the limit", async () => {
    const ids = await enqueue("a1", "b1", "a2", "c1");
    expect(await claim(ids)).toEqual(["a1", "b1", "a2", "c1"]);
    expect(await claim(ids, 2)).toEqual(["a1", "b1"]);
  });

  test("shares split the aggregates: each claims whole aggregates, in order, and together all of them", async () => {
    const names = [..."abcdefghijklmnop"].flatMap((agg) => [1, 2].map((n) => `${agg}${n}`));
    const ids = await enqueue(...names);
    const claims = [await claim(ids, 500, { index: 0, of: 2 }), await claim(ids, 500, { index: 1, of: 2 })];
    expect(claims[0]!.length).toBeGreaterThan(0);
    expect(claims[1]!.length).toBeGreaterThan(0);
    expect([...claims[0]!, ...claims[1]!].sort()).toEqual([...names].sort());
    for (const claimed of claims) {
      expect(claimed).toEqual(names.filter((name) => claimed.includes(name))); // insertion order
      for (const name of claimed) expect(claimed).toContain(`${name[0]}${name[1] === "1" ? 2 : 1}`);
    }
    // While one share's claim holds its rows, the other's claim takes all of its own.
    const held = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const first = database.db.transaction(async (tx) => {
      await claimRows(tx, q, 500, { index: 0, of: 2 });
      held.resolve();
      await release.promise;
    });
    await held.promise;
    try {
      expect(await claim(ids, 500, { index: 1, of: 2 })).toEqual(claims[1]!);
    } finally {
      release.resolve();
      await first;
    }
  });

  test("a row another relay holds keeps back its aggregate's later rows, even past other claimed rows", async () => {
    const ids = await enqueue("a1", "b1", "a2", "b2", "a3", "c1");
    const held = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const other = database.db.transaction(async (tx) => {
      await tx.execute(sql`select id from trading.outbox where id = ${ids.get("a2")}::uuid for update`);
      held.resolve();
      await release.promise;
    });
    await held.promise;
    try {
      // a2 is skipped (locked); a3's only earlier claimed row is a1, and a2 sits between them.
      expect(await claim(ids)).toEqual(["a1", "b1", "b2", "c1"]);
    } finally {
      release.resolve();
      await other;
    }
    expect(await claim(ids)).toEqual(["a1", "b1", "a2", "b2", "a3", "c1"]);
  });

  test("a row backing off keeps back its aggregate's later rows; others go on", async () => {
    const ids = await enqueue("a1", "a2", "b1", "a3");
    await database.db.execute(
      sql`update trading.outbox set available_at = clock_timestamp() + interval '1 hour' where id = ${ids.get("a1")}::uuid`,
    );
    expect(await claim(ids)).toEqual(["b1"]);
  });

  test("a claim reports the lowest seq it met, held back or claimed, and with a floor reads from there on", async () => {
    const ids = await enqueue("a1", "a2", "b1", "c1");
    const seq = await seqs(ids);
    // a1 backs off, so a2 is held back: met, so the floor is a2's, below the first row claimed (b1).
    await database.db.execute(
      sql`update trading.outbox set available_at = clock_timestamp() + interval '1 hour' where id = ${ids.get("a1")}::uuid`,
    );
    const rows = await database.db.transaction((tx) => claimRows(tx, q, 500));
    expect(rows.map((r) => r.id)).toEqual([ids.get("b1")!, ids.get("c1")!]);
    expect(rows.map((r) => r.floor)).toEqual([seq.get("a2")!, null]); // on the first row only
    // From a floor on: rows below it are not read, but a row below it still holds its aggregate back.
    await database.db.execute(sql`update trading.outbox set available_at = clock_timestamp()`);
    expect(await claim(ids, 500, undefined, seq.get("a2"))).toEqual(["b1", "c1"]);
    expect(await claim(ids, 500, undefined, seq.get("b1"))).toEqual(["b1", "c1"]);
    expect(await claim(ids, 500, undefined, seq.get("c1"))).toEqual(["c1"]);
    expect(await claim(ids)).toEqual(["a1", "a2", "b1", "c1"]);
  });

  test("the per-aggregate probe reads the (aggregate_id, seq) index, whatever the statistics say", async () => {
    // Statistics taken while nothing was pending (an idle outbox), then a backlog: to the planner, both
    // partial indexes look empty, and any index scan as cheap as another.
    await database.db.execute(
      sql`insert into trading.outbox (id, aggregate_id, type, payload, status, sent_at)
        select gen_random_uuid(), 'x' || g % 100, 't', '{}', 'sent', now() from generate_series(1, 5000) g`,
    );
    await database.db.execute(sql`analyze trading.outbox`);
    await enqueue(..."abcdefgh".split("").map((agg) => `${agg}1`));
    const plan = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
      await tx.execute(q.claimPlan());
      const rows = rowsOf<Record<string, string>>(
        await tx.execute(sql`explain ${q.claim(500, { index: 0, of: 2 }, 1)}`),
      );
      return rows.map((row) => Object.values(row)[0]).join("\n");
    });
    const probe = plan.slice(plan.indexOf("SubPlan"));
    expect(probe).toContain("outbox_unsent_aggregate_seq_idx");
    expect(probe).not.toContain("outbox_pending_seq_idx");
  });

  test("sent and dead rows do not hold anything back", async () => {
    const ids = await enqueue("a1", "a2", "a3");
    await database.db.execute(
      sql`update trading.outbox set status = 'sent' where id = ${ids.get("a1")}::uuid`,
    );
    await database.db.execute(
      sql`update trading.outbox set status = 'dead' where id = ${ids.get("a2")}::uuid`,
    );
    expect(await claim(ids)).toEqual(["a3"]);
  });
});
