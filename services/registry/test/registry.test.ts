import { afterAll, describe, expect, test } from "bun:test";
import { memoryKv } from "@diana/core/kv";
import { createTestAuth, json, testPlatformDeps, testServiceBearer } from "@diana/core/testing";
import { connect } from "@diana/db";
import { createTestDatabase, requirePostgres } from "@diana/db/testing";
import { createApp } from "../src/app";

const pg = await requirePostgres();
const testDb = pg.available ? await createTestDatabase() : undefined;
const database = await connect({ url: testDb?.url ?? "postgres://postgres@127.0.0.1:1/none" }).catch(
  () => undefined,
);
await database?.migrate("registry");
afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

let clock = Date.parse("2026-11-26T10:00:00Z");
const kv = memoryKv({ now: () => clock });
// Active checks answer "ready" unless an instance's URL says otherwise.
const readiness = async (url: string | URL | Request) =>
  new Response(null, { status: String(url).includes(":9999") ? 503 : 200 });
const users = await createTestAuth();
const registry =
  database &&
  createApp({
    ...testPlatformDeps({ auth: users.users }),
    kv,
    database,
    store: { now: () => clock },
    reconciler: { fetch: readiness as typeof fetch, antiFlap: { successesToPass: 2, failuresToCritical: 2 } },
  });
const app = registry?.app as NonNullable<typeof registry>["app"];

const auth = { authorization: await testServiceBearer(), "content-type": "application/json" };
const operator = { authorization: await users.bearer("operator"), "content-type": "application/json" };
const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) =>
  app.handle(
    new Request(`http://localhost${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );

const registration = (id: string, service: string, ttlMs = 10_000) => ({
  id,
  service,
  url: "http://127.0.0.1:8000",
  version: "0.1.0",
  infra: "embedded",
  startedAt: new Date(clock).toISOString(),
  ttlMs,
});

describe.skipIf(!database)(`registry${pg.reason ? ` (skipped: ${pg.reason})` : ""}`, () => {
  test("registers an instance and lists it as passing", async () => {
    const res = await call("POST", "/instances", registration("trading-000000000001", "trading"));
    expect(res.status).toBe(201);
    const list = await json(call("GET", "/instances"));
    expect(list.instances).toHaveLength(1);
    expect(list.instances[0]).toMatchObject({
      id: "trading-000000000001",
      service: "trading",
      status: "passing",
    });
  });

  test("turns an instance critical once its TTL passes without a heartbeat, and passing again on one", async () => {
    await call("POST", "/instances", registration("scoring-000000000001", "scoring", 5_000));
    clock += 4_000;
    expect((await json(call("GET", "/instances/scoring-000000000001"))).status).toBe("passing");
    clock += 1_001;
    expect((await json(call("GET", "/instances/scoring-000000000001"))).status).toBe("critical");
    const services = (await json(call("GET", "/services"))).services;
    expect(services.find((s: { name: string }) => s.name === "scoring")).toMatchObject({
      status: "unhealthy",
      passing: 0,
      instances: 1,
    });
    // Back from silence, a heartbeat alone is not enough: two passing checks in a row are (anti-flap).
    expect((await call("PUT", "/instances/scoring-000000000001/heartbeat")).status).toBe(204);
    const back = await json(call("GET", "/instances/scoring-000000000001"));
    expect(back).toMatchObject({
      status: "critical",
      check: { status: "critical", detail: "missed heartbeats" },
    });
    await registry!.reconciler.checkAll();
    expect((await json(call("GET", "/instances/scoring-000000000001"))).status).toBe("critical");
    await registry!.reconciler.checkAll();
    expect((await json(call("GET", "/instances/scoring-000000000001"))).status).toBe("passing");
  });

  test("a heartbeat for an unknown instance is 404, so the client registers again", async () => {
    const res = await call("PUT", "/instances/ghost-000000000001/heartbeat");
    expect(res.status).toBe(404);
    expect((await json(res)).code).toBe("INSTANCE_NOT_FOUND");
  });

  test("deregistration keeps the instance listed as left", async () => {
    await call("POST", "/instances", registration("kucoin-000000000001", "kucoin"));
    expect((await call("DELETE", "/instances/kucoin-000000000001")).status).toBe(204);
    expect((await json(call("GET", "/instances/kucoin-000000000001"))).status).toBe("left");
    expect((await call("PUT", "/instances/kucoin-000000000001/heartbeat")).status).toBe(404);
  });

  test("writes need the service token", async () => {
    const body = registration("evil-000000000001", "evil");
    const none = await call("POST", "/instances", body, { "content-type": "application/json" });
    expect(none.status).toBe(401);
    expect(none.headers.get("content-type")).toBe("application/problem+json");
    const wrong = await call("POST", "/instances", body, {
      "content-type": "application/json",
      authorization: "Bearer nope",
    });
    expect(wrong.status).toBe(401);
    expect((await json(call("GET", "/instances?service=evil"))).instances).toHaveLength(0);
    const asUser = await call("POST", "/instances", body, operator);
    expect(asUser.status).toBe(403);
  });

  test("drain and enable need an operator: a service token or a viewer is refused", async () => {
    await call("POST", "/instances", registration("scoring-000000000001", "scoring"));
    const drain = (headers: Record<string, string>) =>
      call("POST", "/instances/scoring-000000000001/drain", { reason: "try it" }, headers);
    expect((await drain(auth)).status).toBe(403);
    expect(
      (await drain({ authorization: await users.bearer("viewer"), "content-type": "application/json" }))
        .status,
    ).toBe(403);
    expect((await drain(operator)).status).toBe(200);
    expect((await call("POST", "/instances/scoring-000000000001/enable", undefined, operator)).status).toBe(
      200,
    );
    await call("DELETE", "/instances/scoring-000000000001");
  });

  test("refuses a malformed registration and lists each bad field", async () => {
    const res = await call("POST", "/instances", {
      ...registration("BAD ID", "trading"),
      url: "ftp://x",
      ttlMs: 1,
    });
    expect(res.status).toBe(400);
    const pointers = (await json(res)).errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/body/id", "/body/url", "/body/ttlMs"]));
  });

  test("summarises services: healthy while one instance passes", async () => {
    const services = (await json(call("GET", "/services"))).services;
    expect(services.find((s: { name: string }) => s.name === "trading")).toMatchObject({
      status: "healthy",
      passing: 1,
      versions: ["0.1.0"],
    });
  });
});

describe.skipIf(!database)("drains, checks and history", () => {
  test("a drained instance stays listed but is not routable, and comes back when enabled", async () => {
    await call("POST", "/instances", registration("binance-000000000001", "binance"));
    const drained = await json(
      call("POST", "/instances/binance-000000000001/drain", { reason: "kernel upgrade" }, operator),
    );
    expect(drained).toMatchObject({
      status: "passing",
      routable: false,
      drained: { reason: "kernel upgrade" },
    });
    const summary = (await json(call("GET", "/services"))).services.find(
      (s: { name: string }) => s.name === "binance",
    );
    expect(summary).toMatchObject({ status: "unhealthy", passing: 1, routable: 0, drained: 1 });
    expect(
      await json(call("POST", "/instances/binance-000000000001/enable", undefined, operator)),
    ).toMatchObject({
      routable: true,
      drained: null,
    });
  });

  test("a drain needs a reason", async () => {
    const res = await call("POST", "/instances/binance-000000000001/drain", { reason: "" }, operator);
    expect(res.status).toBe(400);
    expect((await json(res)).errors[0].pointer).toBe("/body/reason");
  });

  test("keeps every status change with its reason in Postgres, newest first", async () => {
    const { history } = await json(call("GET", "/instances/binance-000000000001/history"));
    expect(history.map((h: { status: string }) => h.status)).toEqual(["enabled", "drained", "registered"]);
    expect(history[1].reason).toBe("kernel upgrade");
  });

  test("marks an instance critical only after its checks fail the anti-flap threshold, with the check's detail", async () => {
    await call("POST", "/instances", {
      ...registration("monitor-000000000001", "monitor"),
      url: "http://127.0.0.1:9999",
    });
    await registry!.reconciler.tick();
    await registry!.reconciler.checkAll();
    expect((await json(call("GET", "/instances/monitor-000000000001"))).status).toBe("passing");
    await registry!.reconciler.checkAll();
    const failed = await json(call("GET", "/instances/monitor-000000000001"));
    expect(failed).toMatchObject({
      status: "critical",
      routable: false,
      check: { status: "critical", detail: "not ready (503)" },
    });
    await registry!.reconciler.tick();
    const { history } = await json(call("GET", "/instances/monitor-000000000001/history"));
    expect(history[0]).toMatchObject({ status: "critical", reason: "failed check: not ready (503)" });
  });

  test("records missed heartbeats as a critical change, and the recovery once checks pass again", async () => {
    await call("POST", "/instances", registration("dashboard-000000000001", "dashboard", 2_000));
    await registry!.reconciler.tick();
    clock += 2_001;
    await registry!.reconciler.tick();
    const { history } = await json(call("GET", "/instances/dashboard-000000000001/history"));
    expect(history[0]).toMatchObject({ status: "critical", reason: "missed heartbeats" });
    await call("PUT", "/instances/dashboard-000000000001/heartbeat");
    await registry!.reconciler.checkAll();
    await registry!.reconciler.checkAll();
    await registry!.reconciler.tick();
    const after = (await json(call("GET", "/instances/dashboard-000000000001/history"))).history;
    expect(after[0]).toMatchObject({ status: "passing", reason: "recovered" });
  });
});

describe.skipIf(!database)("mass-eviction protection", () => {
  test("holds instances when most miss their heartbeats at once, and evicts when only a few do", async () => {
    let now = Date.parse("2026-11-26T12:00:00Z");
    const fleet = createApp({
      ...testPlatformDeps(),
      kv: memoryKv({ now: () => now }),
      database: database!,
      store: { now: () => now },
    });
    const post = (path: string, body?: unknown) =>
      fleet.app.handle(
        new Request(`http://localhost${path}`, {
          method: body ? "POST" : "PUT",
          headers: auth,
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    const ids = ["a", "b", "c", "d", "e"].map((x) => `svc${x}-000000000001`);
    for (const id of ids)
      await post("/instances", {
        ...registration(id, id.slice(0, 4)),
        startedAt: new Date(now).toISOString(),
        ttlMs: 5_000,
      });

    // Only "a" keeps beating: four of five go silent, as if the registry were cut off from them.
    now += 4_000;
    await post(`/instances/${ids[0]}/heartbeat`);
    now += 1_500;
    const held = await json(fleet.app.handle(new Request("http://localhost/instances")));
    expect(held.guard.engaged).toBe(true);
    expect(held.guard.held.sort()).toEqual(ids.slice(1).sort());
    for (const i of held.instances) expect(i.status).toBe("passing");
    expect(held.instances.filter((i: { protected: boolean }) => i.protected)).toHaveLength(4);
    await fleet.reconciler.tick();
    expect(await (await fleet.app.handle(new Request("http://localhost/metrics"))).text()).toContain(
      'diana_registry_eviction_guard_engaged{service="registry"} 1',
    );

    // A hold is bounded: past its TTL plus the maximum hold, an instance is evicted even while the rest are held.
    now += 60_000;
    const expired = await json(fleet.app.handle(new Request("http://localhost/instances")));
    for (const id of ids.slice(1)) {
      expect(expired.instances.find((i: { id: string }) => i.id === id)).toMatchObject({
        status: "critical",
        protected: false,
      });
    }
    now -= 60_000;

    // Three come back; the last one silent is a minority and is evicted.
    for (const id of ids.slice(0, 4)) await post(`/instances/${id}/heartbeat`);
    const after = await json(fleet.app.handle(new Request("http://localhost/instances")));
    expect(after.guard.engaged).toBe(false);
    expect(after.instances.find((i: { id: string }) => i.id === ids[4]).status).toBe("critical");
    await fleet.reconciler.tick();
    expect(await (await fleet.app.handle(new Request("http://localhost/metrics"))).text()).toContain(
      'diana_registry_eviction_guard_engaged{service="registry"} 0',
    );
  });
});
