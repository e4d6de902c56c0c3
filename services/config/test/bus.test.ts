import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createInProcessBus, defineEvents, type EventEnvelope, type EventSchemas } from "@diana/core/bus";
import { json, waitFor } from "@diana/core/testing";
import { requirePostgres } from "@diana/db/testing";
import { events } from "../src/contract";
import { caller, configApp, configDatabase } from "./setup";

const pg = await requirePostgres();
const suite = pg.available ? describe : describe.skip;
if (!pg.available) console.warn(`skipping the config bus test: ${pg.reason}`);

suite("config.released on the bus", () => {
  let db: Awaited<ReturnType<typeof configDatabase>>;
  const bus = createInProcessBus<EventSchemas>({
    catalog: defineEvents<EventSchemas>(events),
    source: "/services/config",
  });

  beforeAll(async () => {
    db = await configDatabase();
  });
  afterAll(async () => {
    await bus.close();
    await db?.close();
  });

  test("announces each release once it is committed, without its content", async () => {
    const received: EventEnvelope[] = [];
    await bus.subscribe({ consumer: "monitor", patterns: ["config.*"] }, (e) => {
      received.push(e);
    });
    const call = caller(configApp(db.database, { bus }).app);
    const res = await call("POST", "/namespaces/trading/releases", {
      content: { a: 1 },
      message: "first",
    });
    const release = await json(res);
    await waitFor(() => received.length === 1);
    const event = received[0];
    expect(event).toMatchObject({ type: "config.released", subject: "trading" });
    expect(event!.data).toEqual({
      namespace: "trading",
      version: 1,
      hash: release.hash,
      author: "ana",
      message: "first",
      rollbackOf: null,
      createdAt: release.createdAt,
    });
    await call("POST", "/namespaces/trading/releases", { content: { a: "x" }, message: "" });
    await waitFor(() => received.length === 2);
  });
});
