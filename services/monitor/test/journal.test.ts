import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createInProcessBus, defineEvents } from "@diana/core/bus";
import { createTestAuth, json, testPlatformDeps, waitFor } from "@diana/core/testing";
import { connect, type Database } from "@diana/db";
import { createTestDatabase, requirePostgres, type TestDatabase } from "@diana/db/testing";
import { createApp } from "../src/app";
import { consumedEvents } from "../src/contract";
import { createJournal, type JournalEntry } from "../src/domain/journal";

const pg = await requirePostgres();
const suite = pg.available ? describe : describe.skip;
if (!pg.available) console.warn(`skipping the monitor journal tests: ${pg.reason}`);

const auth = await createTestAuth();

const released = (namespace: string, version: number) => ({
  namespace,
  version,
  hash: `h${version}`,
  author: "ana",
  message: `release ${version}`,
  rollbackOf: null,
  createdAt: new Date().toISOString(),
});

suite("the monitor's fleet journal", () => {
  let testDb: TestDatabase;
  let database: Database;
  let monitor: ReturnType<typeof createApp>;
  // What config and the registry publish on, and the monitor consumes from: one in-process broker.
  const bus = createInProcessBus({
    catalog: defineEvents(consumedEvents),
    source: "/services/config",
  });

  const get = async (path: string, role: "viewer" | null = "viewer") =>
    monitor.app.handle(
      new Request(`http://localhost${path}`, {
        headers: role ? { authorization: `Bearer ${await auth.token(role, "vic")}` } : {},
      }),
    );
  const entries = async (query = "") =>
    (await json(await get(`/journal${query}`))).entries as Array<
      JournalEntry & { data: { version: number; namespace: string } }
    >;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await connect({ url: testDb.url, max: 5 });
    await database.migrate("monitor");
    // An event id handled 8 days ago, past the inbox's 7-day retention: the kit's cleanup drops it once ready.
    await database.sql`insert into monitor.inbox (consumer, event_id, processed_at)
      values ('monitor', 'handled-long-ago', now() - interval '8 days')`;
    monitor = createApp({ ...testPlatformDeps({ auth: auth.users }), database, bus });
    await monitor.start();
    await monitor.ready;
    // Subscribed once ready: the queue has its consumer.
    await waitFor(async () => (await bus.queueStats("monitor")).consumers === 1);
  });
  afterAll(async () => {
    await monitor?.stop();
    await bus.close();
    await database?.close();
    await testDb?.drop();
  });

  test("records each config release it consumes, newest first, for viewers only", async () => {
    await bus.publish({ type: "config.released", subject: "trading", data: released("trading", 1) });
    await bus.publish({ type: "config.released", subject: "scoring", data: released("scoring", 1) });
    await waitFor(async () => (await entries()).length === 2);
    const [newest, oldest] = await entries();
    expect(newest).toMatchObject({
      type: "config.released",
      subject: "scoring",
      source: "/services/config",
      data: { namespace: "scoring", version: 1, message: "release 1" },
    });
    expect(oldest?.subject).toBe("trading");
    expect(Date.parse(newest!.receivedAt)).toBeGreaterThanOrEqual(Date.parse(newest!.occurredAt));

    expect((await get("/journal", null)).status).toBe(401);
  });

  test("records an instance's status changes from the registry", async () => {
    const change = { instanceId: "trading-0000000000a1", service: "trading", detail: null };
    await bus.publish({
      type: "registry.instance.drained",
      subject: change.instanceId,
      data: { ...change, status: "drained", reason: "kernel upgrade" },
    });
    await waitFor(async () => (await entries("?type=registry.instance.drained")).length === 1);
    const [drained] = await entries("?type=registry.instance.drained");
    expect(drained).toMatchObject({
      subject: "trading-0000000000a1",
      data: { service: "trading", status: "drained", reason: "kernel upgrade" },
    });
  });

  test("an event delivered twice is one entry", async () => {
    const event = { id: Bun.randomUUIDv7(), type: "config.released" as const, subject: "risk-guard" };
    await bus.publish({ ...event, data: released("risk-guard", 7) });
    await bus.publish({ ...event, data: released("risk-guard", 7) });
    await bus.publish({ type: "config.released", subject: "risk-guard", data: released("risk-guard", 8) });
    // The third event is handled after the second (one queue, in order): once it is there, so is any duplicate.
    await waitFor(async () => (await entries()).some((e) => e.data.version === 8));
    expect((await entries()).filter((e) => e.id === event.id)).toHaveLength(1);
  });

  test("pages back by entry and filters by type; bad queries are refused", async () => {
    const all = await entries();
    const page1 = await entries("?limit=2");
    expect(page1.map((e) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    const page2 = await entries(`?limit=2&before=${page1[1]!.id}`);
    expect(page2.map((e) => e.id)).toEqual(all.slice(2, 4).map((e) => e.id));
    expect(await entries("?type=registry.instance.registered")).toEqual([]);
    const instanceChanges = await entries("?type=registry.instance.*");
    expect(instanceChanges.map((e) => e.type)).toEqual(["registry.instance.drained"]);
    expect(await entries("?type=registry.*")).toEqual(instanceChanges);
    expect((await entries("?type=config.released")).map((e) => e.id)).toEqual(
      all.filter((e) => e.type === "config.released").map((e) => e.id),
    );

    expect((await get(`/journal?before=${Bun.randomUUIDv7()}`)).status).toBe(404);
    for (const bad of [
      "?limit=0",
      "?limit=501",
      "?before=nope",
      "?type=Bad%20Type",
      "?type=a.%25",
      "?type=*",
    ]) {
      expect((await get(`/journal${bad}`)).status, bad).toBe(400);
    }
  });

  test("entries past the retention are swept, newer ones kept", async () => {
    const day = 86_400_000;
    const old = new Date(Date.now() - 31 * day).toISOString();
    await bus.publish({
      type: "config.released",
      subject: "kucoin",
      time: old,
      data: { ...released("kucoin", 1), createdAt: old },
    });
    await waitFor(async () => (await entries()).some((e) => e.subject === "kucoin"));
    const before = (await entries("?limit=500")).length;

    expect(await createJournal(database).sweep(30 * day)).toBe(1);
    const after = await entries("?limit=500");
    expect(after).toHaveLength(before - 1);
    expect(after.some((e) => e.subject === "kucoin")).toBe(false);
    expect(await createJournal(database).sweep(30 * day)).toBe(0);
  });

  test("the inbox lets go of event ids past its retention", async () => {
    await waitFor(
      async () =>
        (await database.sql`select 1 from monitor.inbox where event_id = 'handled-long-ago'`).length === 0,
    );
    // The ids of this run's events stay.
    expect((await database.sql`select 1 from monitor.inbox`).length).toBeGreaterThan(0);
  });
});
