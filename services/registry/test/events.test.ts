import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createInProcessBus, defineEvents, type EventEnvelope } from "@diana/core/bus";
import { memoryKv } from "@diana/core/kv";
import { createTestAuth, testPlatformDeps, testServiceBearer, waitFor } from "@diana/core/testing";
import { connect, type Database } from "@diana/db";
import { createTestDatabase, requirePostgres, type TestDatabase } from "@diana/db/testing";
import { createApp } from "../src/app";
import { events } from "../src/contract";

const pg = await requirePostgres();
const suite = pg.available ? describe : describe.skip;
if (!pg.available) console.warn(`skipping the registry event tests: ${pg.reason}`);

const users = await createTestAuth();
const service = { authorization: await testServiceBearer(), "content-type": "application/json" };
const operator = { authorization: await users.bearer("operator"), "content-type": "application/json" };
const ID = "scoring-0000000000e1";

suite("registry.instance.* through the outbox", () => {
  let testDb: TestDatabase;
  let database: Database;
  let registry: ReturnType<typeof createApp>;
  const bus = createInProcessBus({ catalog: defineEvents(events), source: "/services/registry" });
  const received: EventEnvelope[] = [];
  const call = (method: string, path: string, body?: unknown, headers = service) =>
    registry.app.handle(
      new Request(`http://localhost${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  const rows = () =>
    database.sql<{ type: string; subject: string; status: string }>`
      select type, aggregate_id as subject, status from registry.outbox order by seq`;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await connect({ url: testDb.url, max: 5 });
    await database.migrate("registry");
    await bus.subscribe({ consumer: "monitor", patterns: ["registry.instance.*"] }, (e) => {
      received.push(e);
    });
    registry = createApp({
      ...testPlatformDeps({ auth: users.users }),
      kv: memoryKv(),
      database,
      bus,
      // Every instance's readiness answers: no check turns one critical behind the test's back.
      reconciler: { fetch: (async () => new Response(null, { status: 200 })) as unknown as typeof fetch },
    });
  });
  afterAll(async () => {
    await registry?.stop();
    await bus.close();
    await database?.close();
    await testDb?.drop();
  });

  test("each history row is written with its event, in one transaction", async () => {
    const registration = {
      id: ID,
      service: "scoring",
      url: "http://127.0.0.1:8011",
      version: "0.1.0",
      infra: "embedded",
      startedAt: new Date().toISOString(),
      ttlMs: 10_000,
    };
    expect((await call("POST", "/instances", registration)).status).toBe(201);
    const drain = await call("POST", `/instances/${ID}/drain`, { reason: "kernel upgrade" }, operator);
    expect(drain.status).toBe(200);
    expect((await call("POST", `/instances/${ID}/enable`, {}, operator)).status).toBe(200);
    expect((await call("DELETE", `/instances/${ID}`)).status).toBe(204);

    // Not started: no relay has run, so every event waits in the outbox beside its history row.
    const history = await database.sql<{ status: string }>`
      select status from registry.instance_history where instance_id = ${ID} order by id`;
    expect(history.map((h) => h.status)).toEqual(["registered", "drained", "enabled", "left"]);
    expect(await rows()).toEqual(
      history.map((h) => ({ type: `registry.instance.${h.status}`, subject: ID, status: "pending" })),
    );
  });

  test("the relay publishes them in the instance's order once the registry runs", async () => {
    await registry.start();
    await registry.ready;
    await waitFor(() => received.filter((e) => e.subject === ID).length === 4);
    const mine = received.filter((e) => e.subject === ID);
    expect(mine.map((e) => e.type)).toEqual([
      "registry.instance.registered",
      "registry.instance.drained",
      "registry.instance.enabled",
      "registry.instance.left",
    ]);
    expect(mine[1]!.data).toEqual({
      instanceId: ID,
      service: "scoring",
      status: "drained",
      reason: "kernel upgrade",
      detail: null,
    });
    await waitFor(async () => (await rows()).every((r) => r.status === "sent" || r.subject !== ID));
  });
});
