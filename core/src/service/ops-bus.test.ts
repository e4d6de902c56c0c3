import { afterAll, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { Registry } from "prom-client";
import { createInProcessBus, type DeadLetterOperations, defineEvents, Type } from "../bus";
import { ReplayOutsideRetentionError } from "../inbox";
import { silentLogger } from "../log";
import { json } from "../testing/http";
import { waitFor } from "../testing/wait-for";
import { createService } from "./create-service";
import { busOpsRoutes } from "./ops-bus";

const events = defineEvents({ "order.placed": Type.Object({ orderId: Type.String() }) });
const bus = createInProcessBus({ catalog: events, source: "/services/dashboard", retry: { delaysMs: [] } });
let refuseOld = true;
// The real inbox reads event ages from Postgres (see inbox.test.ts); here only its verdict matters.
const inbox = {
  retentionMs: 60_000,
  async replay(
    dlq: DeadLetterOperations,
    consumer: string,
    options?: { ids?: readonly string[]; force?: boolean },
  ) {
    if (refuseOld && !options?.force) throw new ReplayOutsideRetentionError(consumer, ["e-1"], 60_000);
    return dlq.replay(consumer, options?.ids ? { ids: options.ids } : undefined);
  },
};
const service = createService({
  name: "dashboard",
  version: "1",
  port: 0,
  infra: "embedded",
  logger: silentLogger,
  bus: { bus, inbox },
});
const call = (method: string, path: string, body?: unknown) =>
  service.app.handle(
    new Request(`http://localhost${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
afterAll(() => bus.close());

test("shows the service's queue, browses its dead letters, refuses a replay past the inbox retention unless forced, and purges", async () => {
  let failing = true;
  let handled = 0;
  await bus.subscribe({ consumer: "dashboard", patterns: ["order.*"] }, () => {
    if (failing) throw new Error("projection broken");
    handled++;
  });
  for (const orderId of ["a", "b"])
    await bus.publish({ type: "order.placed", subject: orderId, data: { orderId } });
  const queues = await waitFor(async () => {
    const view = await json(call("GET", "/ops/bus"));
    return view.queues[0]?.dlqDepth === 2 && view;
  });
  expect(queues).toMatchObject({
    kind: "in-process",
    rates: { windowSeconds: 60 },
    queues: [{ consumer: "dashboard", depth: 0, consumers: 1, dlqDepth: 2, rates: { consumedPerSecond: 0 } }],
  });
  // Two publishes and two failures within the last minute, of this instance: rates above zero.
  expect(queues.rates.publishedPerSecond).toBeGreaterThan(0);
  expect(queues.queues[0].rates.failedPerSecond).toBeGreaterThan(0);

  const { messages } = await json(call("GET", "/ops/bus/dlq"));
  expect(messages).toHaveLength(2);
  expect(messages[0]).toMatchObject({
    consumer: "dashboard",
    reason: expect.stringContaining("projection broken"),
  });
  expect(messages[0].attempts[0].error).toContain("projection broken");

  failing = false;
  const refused = await call("POST", "/ops/bus/dlq/replay", {});
  expect(refused.status).toBe(409);
  expect((await json(refused)).code).toBe("REPLAY_OUTSIDE_RETENTION");
  const forced = await json(call("POST", "/ops/bus/dlq/replay", { ids: [messages[0].id], force: true }));
  expect(forced).toEqual({ consumer: "dashboard", replayed: 1 });
  await waitFor(() => handled === 1);
  expect((await json(call("GET", "/ops/bus"))).queues[0].rates.consumedPerSecond).toBeGreaterThan(0);

  expect(await json(call("POST", "/ops/bus/dlq/purge", {}))).toEqual({ consumer: "dashboard", purged: 1 });
  expect((await json(call("GET", "/ops/bus"))).queues[0].dlqDepth).toBe(0);
  expect((await call("GET", "/ops/bus/dlq?consumer=nobody")).status).toBe(404);
  const metrics = await (await call("GET", "/metrics")).text();
  expect(metrics).toContain('diana_bus_dlq_depth{consumer="dashboard",service="dashboard"} 0');
  refuseOld = false;
});

test("a consumer's rate counts from the service's start, not from its first event", async () => {
  let clock = 1_000_000;
  const own = createInProcessBus({ catalog: events, source: "/services/scoring" });
  const app = new Elysia().use(
    busOpsRoutes({ bus: own, consumers: ["scoring"], registry: new Registry(), now: () => clock }),
  );
  let handled = 0;
  await own.subscribe({ consumer: "scoring", patterns: ["order.*"] }, () => {
    handled++;
  });
  clock += 30_000;
  await own.publish({ type: "order.placed", subject: "a", data: { orderId: "a" } });
  await waitFor(() => handled === 1);
  const view = await json(app.handle(new Request("http://localhost/ops/bus")));
  // One event in the 30 s since the start (rounded to hundredths), not one in the first second.
  expect(view.queues[0].rates.consumedPerSecond).toBe(0.03);
  await own.close();
});
