import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInProcessBus, defineEvents, type EventEnvelope, Type } from "@diana/core/bus";
import { createOutboxRelay } from "@diana/core/outbox";
import { createPlatformService } from "@diana/core/service";
import { createTracing } from "@diana/core/telemetry";
import { testPlatformDeps, waitFor } from "@diana/core/testing";
import { connect } from "@diana/db";
import { createTestDatabase, requirePostgres } from "@diana/db/testing";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";

// One trace from an HTTP request through the transactional outbox, the relay's publish and a consumer:
// the outbox keeps the request's traceparent, the relay's producer span continues it.
const pg = await requirePostgres();

const catalog = defineEvents({ "order.placed": Type.Object({ orderId: Type.String() }) });
const INCOMING = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const named = (spans: ReadableSpan[], name: string) => spans.find((s) => s.name === name);
const parentOf = (span: ReadableSpan | undefined) => span?.parentSpanContext?.spanId;

// On both drivers: PGlite (the embedded default) runs the relay's claim and its stored-text publish too.
const drivers = [
  {
    name: "Postgres",
    skip: pg.reason,
    async open() {
      const testDb = await createTestDatabase();
      const database = await connect({ url: testDb.url });
      return { database, close: () => database.close().then(() => testDb.drop()) };
    },
  },
  {
    name: "PGlite",
    skip: undefined,
    async open() {
      const dataDir = await mkdtemp(join(tmpdir(), "diana-tracing-"));
      const database = await connect({ dataDir });
      return {
        database,
        close: () => database.close().then(() => rm(dataDir, { recursive: true, force: true })),
      };
    },
  },
];

for (const driver of drivers) {
  (driver.skip ? describe.skip : describe)(
    `tracing across the outbox on ${driver.name}${driver.skip ? ` (skipped: ${driver.skip})` : ""}`,
    () => {
      let close: (() => Promise<unknown>) | undefined;
      afterAll(() => close?.());

      test("HTTP in → outbox enqueue in a transaction → relay publish → consume: one trace", async () => {
        const opened = await driver.open();
        close = opened.close;
        const { database } = opened;
        await database.migrate("trading");
        const exporter = new InMemorySpanExporter();
        const tracing = createTracing({ service: "trading", exporter });
        const service = createPlatformService(
          { name: "trading", version: "0", description: "tracing test" },
          {
            ...testPlatformDeps(),
            database,
            bus: createInProcessBus({ catalog, source: "/services/trading" }),
            tracing: () => tracing,
          },
        );
        const { outbox, bus } = service;
        if (!outbox || !bus)
          throw new Error("the platform gives a service with a database and a bus an outbox");
        const db = database.db;
        service.app.post("/orders/:id", async ({ params }) => {
          await db.transaction(async (tx) => {
            await outbox.enqueue(tx, {
              type: "order.placed",
              subject: params.id,
              data: { orderId: params.id },
            });
          });
          return { ok: true };
        });
        const consumed: EventEnvelope[] = [];
        const subscription = await bus.subscribe(
          { consumer: "dashboard", patterns: ["order.*"] },
          (event) => {
            consumed.push(event);
          },
        );

        const res = await service.app.handle(
          new Request("http://localhost/orders/o1", { method: "POST", headers: { traceparent: INCOMING } }),
        );
        expect(res.status).toBe(200);
        // The relay runs outside the request (no active span): the row's traceparent carries the trace.
        const relay = createOutboxRelay({ outbox, bus });
        expect((await relay.runOnce()).published).toBe(1);
        await waitFor(() => consumed.length === 1 && exporter.getFinishedSpans().length >= 3);
        await subscription.close();

        const spans = exporter.getFinishedSpans();
        const server = named(spans, "POST /orders/:id");
        const publish = named(spans, "publish order.placed");
        const consume = named(spans, "process order.placed");
        expect(server && publish && consume).toBeTruthy();
        const traceId = server!.spanContext().traceId;
        expect(traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
        expect(parentOf(server)).toBe("00f067aa0ba902b7");
        expect(publish!.spanContext().traceId).toBe(traceId);
        expect(parentOf(publish)).toBe(server!.spanContext().spanId);
        expect(consume!.spanContext().traceId).toBe(traceId);
        expect(parentOf(consume)).toBe(publish!.spanContext().spanId);
        expect(consumed[0]!.traceparent).toContain(publish!.spanContext().spanId);
        await tracing.shutdown();
      });
    },
  );
}
