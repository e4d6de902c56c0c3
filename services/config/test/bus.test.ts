import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createInProcessBus, defineEvents, type EventEnvelope, type EventSchemas } from "@diana/core/bus";
import { json, waitFor } from "@diana/core/testing";
import { requirePostgres } from "@diana/db/testing";
import { events } from "../src/contract";
import { caller, configApp, configDatabase } from "./setup";

const pg = await requirePostgres();
const suite = pg.available ? describe : describe.skip;
if (!pg.available) console.warn(`skipping the config bus test: ${pg.reason}`);

suite("config.released through the outbox", () => {
  let db: Awaited<ReturnType<typeof configDatabase>>;
  let service: ReturnType<typeof configApp>;
  const bus = createInProcessBus<EventSchemas>({
    catalog: defineEvents<EventSchemas>(events),
    source: "/services/config",
  });
  const received: EventEnvelope[] = [];
  const outboxRows = async () =>
    db.database.sql<{ subject: string; version: number; status: string }>`
      select aggregate_id as subject, (payload->'data'->>'version')::int as version, status
      from config.outbox order by seq`;

  beforeAll(async () => {
    db = await configDatabase();
    await bus.subscribe({ consumer: "monitor", patterns: ["config.*"] }, (e) => {
      received.push(e);
    });
    service = configApp(db.database, { bus });
  });
  afterAll(async () => {
    await service?.stop();
    await bus.close();
    await db?.close();
  });

  test("a release and its event are written in one transaction; a refused release writes neither", async () => {
    const call = caller(service.app);
    // The service is not started, so no relay runs: the event waits in the outbox, written with the release.
    const res = await call("POST", "/namespaces/trading/releases", { content: { a: 1 }, message: "first" });
    expect(res.status).toBe(201);
    expect(await outboxRows()).toEqual([{ subject: "trading", version: 1, status: "pending" }]);

    const schema = { type: "object", properties: { a: { type: "number" } } };
    const set = await call("PUT", "/namespaces/trading/schema", { schema, reason: "typed" });
    expect(set.status).toBe(200);
    const refused = await call("POST", "/namespaces/trading/releases", { content: { a: "x" }, message: "" });
    expect(refused.status).toBe(422);
    expect(await outboxRows()).toHaveLength(1);
    expect(received).toHaveLength(0);
  });

  test("the relay publishes it once the service runs, without the release's content", async () => {
    await service.start();
    await service.ready;
    await waitFor(() => received.length === 1);
    const call = caller(service.app);
    const first = await json(await call("GET", "/namespaces/trading/releases/1"));
    expect(received[0]).toMatchObject({ type: "config.released", subject: "trading" });
    expect(received[0]!.data).toEqual({
      namespace: "trading",
      version: 1,
      hash: first.hash,
      author: "ana",
      message: "first",
      rollbackOf: null,
      createdAt: first.createdAt,
    });

    const rollback = await call("POST", "/namespaces/trading/rollback", { version: 1, message: "again" });
    expect(rollback.status).toBe(201);
    await waitFor(() => received.length === 2);
    expect(received[1]!.data).toMatchObject({ version: 2, rollbackOf: 1, message: "again" });
    await waitFor(async () => (await outboxRows()).every((r) => r.status === "sent"));
  });
});
