import { afterAll, describe, expect, test } from "bun:test";
import { t } from "elysia";
import { createLogger } from "../log";
import { json } from "../testing/http";
import { waitFor } from "../testing/wait-for";
import { createService } from "./create-service";
import { HttpError } from "./problem";

const lines: Record<string, unknown>[] = [];
const logger = createLogger({ level: "debug", write: (l) => lines.push(JSON.parse(l)) });

function make(overrides: Partial<Parameters<typeof createService>[0]> = {}) {
  const service = createService({
    name: "sample",
    version: "1.2.3",
    port: 0,
    infra: "embedded",
    logger,
    ...overrides,
  });
  const app = service.app
    .post("/things", ({ body }) => ({ id: "t1", name: body.name }), {
      body: t.Object({
        name: t.String({ minLength: 1 }),
        quantity: t.String({ pattern: "^[0-9]+(\\.[0-9]+)?$" }),
      }),
      response: t.Object({ id: t.String(), name: t.String() }),
    })
    .get("/pages", ({ query }) => ({ limit: query.limit ?? 10 }), {
      query: t.Object({ limit: t.Optional(t.Integer({ minimum: 1 })), q: t.Optional(t.String()) }),
    })
    .get("/conflict", () => {
      throw new HttpError(409, "ALREADY_DONE", "thing t1 is already done");
    })
    .get("/boom", () => {
      throw new Error("secret internal detail at /srv/app.ts:42");
    });
  return { service, app };
}

const req = (path: string, init?: RequestInit) => new Request(`http://localhost${path}`, init);

describe("createService", () => {
  const { service, app } = make();

  test("answers liveness and serves /ops/info with identity and infra mode", async () => {
    expect(await json(app.handle(req("/health/live")))).toEqual({ status: "live" });
    const info = await json(app.handle(req("/ops/info")));
    expect(info).toMatchObject({ name: "sample", version: "1.2.3", infra: "embedded" });
    expect(info.instanceId).toStartWith("sample-");
    expect(Date.parse(info.startedAt)).not.toBeNaN();
  });

  test("lists every invalid field as problem+json", async () => {
    const res = await app.handle(
      req("/things", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "", quantity: 1.5 }),
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = await json(res);
    expect(body.code).toBe("VALIDATION_FAILED");
    const pointers = body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toContain("/body/name");
    expect(pointers).toContain("/body/quantity");
  });

  test("names a query parameter whose coerced number is out of range", async () => {
    const res = await app.handle(req("/pages?q=0x&limit=0"));
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({
      code: "VALIDATION_FAILED",
      detail: "a request parameter is invalid",
      errors: [{ pointer: "/query/limit", detail: "Expected integer to be greater or equal to 1" }],
    });
    const notANumber = await json(app.handle(req("/pages?limit=ten")));
    expect(notANumber.errors[0].pointer).toBe("/query/limit");
    expect(await json(app.handle(req("/pages?limit=5")))).toEqual({ limit: 5 });
  });

  test("maps HttpError to its status and code", async () => {
    const res = await app.handle(req("/conflict"));
    expect(res.status).toBe(409);
    expect(await json(res)).toMatchObject({
      status: 409,
      code: "ALREADY_DONE",
      detail: "thing t1 is already done",
    });
  });

  test("never leaks an unexpected error's message or stack", async () => {
    const res = await app.handle(req("/boom"));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("secret");
    expect(text).not.toContain("app.ts");
    expect(JSON.parse(text).code).toBe("INTERNAL");
  });

  test("unknown routes 404 as problem+json", async () => {
    const res = await app.handle(req("/nope"));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await json(res)).code).toBe("NOT_FOUND");
  });

  test("keeps a well-formed request id and replaces a malformed one", async () => {
    const kept = await app.handle(req("/health/live", { headers: { "x-request-id": "abc-12345678" } }));
    expect(kept.headers.get("x-request-id")).toBe("abc-12345678");
    const replaced = await app.handle(req("/health/live", { headers: { "x-request-id": "bad id!" } }));
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const short = await app.handle(req("/health/live", { headers: { "x-request-id": "x" } }));
    expect(short.headers.get("x-request-id")).not.toBe("x");
  });

  test("carries request and correlation ids on the request's log lines", async () => {
    lines.length = 0;
    await app.handle(
      req("/health/live", {
        headers: { "x-request-id": "req-00000001", "x-correlation-id": "corr-0000001" },
      }),
    );
    const line = await waitFor(
      () => lines.find((l) => l.msg === "request" && l.requestId === "req-00000001"),
      { what: "the request log line" },
    );
    expect(line).toMatchObject({
      requestId: "req-00000001",
      correlationId: "corr-0000001",
      service: "sample",
      status: 200,
    });
  });

  test("refuses a body over the limit with 413 before reading it", async () => {
    const { app: small } = make({ bodyLimitBytes: 64 });
    const res = await small.handle(
      req("/things", {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": "200" },
        body: JSON.stringify({ name: "x".repeat(190), quantity: "1" }),
      }),
    );
    expect(res.status).toBe(413);
    expect((await json(res)).code).toBe("BODY_TOO_LARGE");
  });

  test("records request durations by route template in /metrics", async () => {
    await app.handle(req("/conflict"));
    const text = await waitFor(async () => {
      const body = await (await app.handle(req("/metrics"))).text();
      return body.includes('route="/conflict"') ? body : undefined;
    });
    const line = text
      .split("\n")
      .find(
        (l) =>
          l.startsWith("diana_http_server_request_duration_seconds_count") && l.includes('route="/conflict"'),
      );
    expect(line).toContain('service="sample"');
    expect(line).toContain('method="GET"');
    expect(line).toContain('status="409"');
    expect(text).toContain("diana_process_cpu_seconds_total");
  });

  test("readiness is 503 with per-check detail when a dependency is down", async () => {
    const { app: failing } = make({
      checks: { database: async () => {}, kv: async () => Promise.reject(new Error("connection refused")) },
    });
    const res = await failing.handle(req("/health/ready"));
    expect(res.status).toBe(503);
    const body = await json(res);
    expect(body.checks.database.status).toBe("up");
    expect(body.checks.kv).toMatchObject({ status: "down", error: "connection refused" });
  });

  test("a hanging check times out instead of hanging readiness", async () => {
    const { app: hanging } = make({ checkTimeoutMs: 50, checks: { slow: () => new Promise(() => {}) } });
    const res = await hanging.handle(req("/health/ready"));
    expect(res.status).toBe(503);
    expect((await json(res)).checks.slow.error).toContain("timed out");
  });

  test("the OpenAPI document lists the kit's routes and the service's", async () => {
    const doc = await json(app.handle(req("/openapi")));
    expect(doc.openapi).toStartWith("3.");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/health/live", "/health/ready", "/metrics", "/ops/info", "/things"]),
    );
  });

  afterAll(() => service.stop());
});

describe("lifecycle", () => {
  test("becomes ready, runs attachments, drains in-flight requests on stop, then stops them in reverse", async () => {
    const order: string[] = [];
    const { service, app } = make({
      attachments: [
        {
          onReady: () => void order.push("ready:a"),
          onDrain: () => void order.push("drain:a"),
          onStop: () => void order.push("stop:a"),
        },
        { onReady: () => void order.push("ready:b"), onStop: () => void order.push("stop:b") },
      ],
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    app.get("/slow", async () => {
      await gate;
      return "done";
    });
    await service.start();
    await service.ready;
    const port = service.app.server!.port;
    const inflight = fetch(`http://127.0.0.1:${port}/slow`);
    // wait until the request is in flight
    const deadline = Date.now() + 2_000;
    while (service.app.server!.pendingRequests < 1 && Date.now() < deadline) await Bun.sleep(5);
    const stopped = service.stop();
    release();
    expect(await (await inflight).text()).toBe("done");
    await stopped;
    expect(order).toEqual(["ready:a", "ready:b", "drain:a", "stop:b", "stop:a"]);
  });
});
