import { expect, test } from "bun:test";
import { silentLogger } from "../log";
import type { DeadOutboxRow, OutboxOps, OutboxStats, RelayEvent, RequeueSelection } from "../outbox/types";
import { json } from "../testing/http";
import { createService } from "./create-service";

/** An outbox with two dead rows, recording requeues. */
function fakeOutbox() {
  const dead: DeadOutboxRow[] = [
    "0190a8e2-0000-7000-8000-000000000001",
    "0190a8e2-0000-7000-8000-000000000002",
  ].map((id) => ({
    id,
    type: "order.placed",
    aggregateId: "o-1",
    attempts: 10,
    lastError: "event is unroutable: NO_ROUTE",
    createdAt: "2026-11-26T07:00:00.000Z",
  }));
  const listeners = new Set<(event: RelayEvent) => void>();
  const requeued: RequeueSelection[] = [];
  const stats: OutboxStats = {
    pending: 3,
    oldestPendingAgeSeconds: 1.5,
    dead: dead.length,
    relayLagMs: 4.2,
    lastPublishAt: "2026-11-26T07:01:00.000Z",
    notifyGate: "quiet",
    published: 120,
    failed: 10,
    unroutable: 10,
  };
  const ops: OutboxOps = {
    stats: async () => ({ ...stats, dead: dead.length }),
    dead: async (options) => dead.slice(0, options?.limit ?? 50),
    async requeue(selection) {
      requeued.push(selection);
      const before = dead.length;
      if ("all" in selection) dead.length = 0;
      else for (const id of selection.ids) dead.splice(dead.findIndex((d) => d.id === id) >>> 0, 1);
      return { requeued: before - dead.length };
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    ops,
    requeued,
    emit(event: RelayEvent) {
      for (const listener of listeners) listener(event);
    },
  };
}

const serviceWith = (ops?: OutboxOps) =>
  createService({
    name: "sample",
    version: "1",
    port: 0,
    infra: "embedded",
    logger: silentLogger,
    outbox: ops,
  });

const post = (body: unknown) =>
  new Request("http://localhost/ops/outbox/requeue", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

test("GET /ops/outbox reports backlog, oldest age, dead rows, relay lag and last publish", async () => {
  const { ops } = fakeOutbox();
  const { app } = serviceWith(ops);
  const view = await json(app.handle(new Request("http://localhost/ops/outbox?limit=1")));
  expect(view).toMatchObject({
    pending: 3,
    oldestPendingAgeSeconds: 1.5,
    dead: 2,
    relayLagMs: 4.2,
    notifyGate: "quiet",
  });
  expect(view.lastPublishAt).toBe("2026-11-26T07:01:00.000Z");
  expect(view.deadRows).toHaveLength(1);
  expect(view.deadRows[0]).toMatchObject({ type: "order.placed", attempts: 10 });
});

test("POST /ops/outbox/requeue takes ids or all, and rejects anything else with 400 before acting", async () => {
  const { ops, requeued } = fakeOutbox();
  const { app } = serviceWith(ops);
  for (const bad of [
    {},
    { ids: [] },
    { ids: ["not-a-uuid"] },
    { all: false },
    { all: true, ids: ["0190a8e2-0000-7000-8000-000000000001"] },
  ]) {
    const response = await app.handle(post(bad));
    expect({ bad, status: response.status }).toEqual({ bad, status: 400 });
    expect(((await response.json()) as { code: string }).code).toBe("VALIDATION_FAILED");
  }
  expect(requeued).toEqual([]);
  expect(await json(app.handle(post({ ids: ["0190a8e2-0000-7000-8000-000000000001"] })))).toEqual({
    requeued: 1,
  });
  expect(await json(app.handle(post({ all: true })))).toEqual({ requeued: 1 });
});

test("the outbox metrics are on the service's /metrics", async () => {
  const { ops, emit } = fakeOutbox();
  const { app } = serviceWith(ops);
  emit({ type: "published", id: "x", eventType: "order.placed", durationMs: 3, lagMs: 5 });
  emit({
    type: "publish-failed",
    id: "y",
    eventType: "order.placed",
    attempts: 1,
    error: "no route",
    code: "UNROUTABLE_EVENT",
    dead: false,
    retryInMs: 1000,
  });
  const text = await (await app.handle(new Request("http://localhost/metrics"))).text();
  expect(text).toContain('diana_outbox_backlog{service="sample"} 3');
  expect(text).toContain('diana_outbox_oldest_age_seconds{service="sample"} 1.5');
  expect(text).toContain('diana_outbox_dead{service="sample"} 2');
  expect(text).toContain('diana_outbox_publish_duration_seconds_count{service="sample"} 1');
  expect(text).toContain('diana_outbox_publish_failures_total{code="UNROUTABLE_EVENT",service="sample"} 1');
});

test("a service without an outbox has no /ops/outbox", async () => {
  const { app } = serviceWith();
  expect((await app.handle(new Request("http://localhost/ops/outbox"))).status).toBe(404);
});
