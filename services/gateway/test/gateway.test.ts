import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { json, testPlatformDeps } from "@diana/core/testing";
import { createApp } from "../src/app";

let upstream: ReturnType<typeof Bun.serve>;
let consoleDir: string;
const instances = new Map<string, Array<{ id: string; url: string }>>();
const discovery = { resolve: async (s: string) => instances.get(s) ?? [] };
let app: ReturnType<typeof createApp>["app"];

beforeAll(async () => {
  upstream = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      return Response.json(
        {
          path: url.pathname,
          search: url.search,
          method: req.method,
          body: req.method === "GET" ? null : await req.text(),
          requestId: req.headers.get("x-request-id"),
          connection: req.headers.get("x-secret-hop"),
          forwardedHost: req.headers.get("x-forwarded-host"),
        },
        { status: url.pathname === "/teapot" ? 418 : 200, headers: { "x-upstream": "yes" } },
      );
    },
  });
  consoleDir = await mkdtemp(join(tmpdir(), "diana-console-"));
  await Bun.write(join(consoleDir, "index.html"), "<!doctype html><title>Diana</title>");
  await Bun.write(join(consoleDir, "assets", "app-abc123.js"), "console.log('hi')");
  await Bun.write(join(tmpdir(), "diana-secret.txt"), "secret");
  instances.set("trading", [{ id: "trading-1", url: `http://127.0.0.1:${upstream.port}` }]);
  instances.set("dead", [{ id: "dead-1", url: "http://127.0.0.1:9" }]);
  app = createApp({ ...testPlatformDeps(), discovery, consoleDir }).app;
});

afterAll(async () => {
  upstream.stop(true);
  await rm(consoleDir, { recursive: true, force: true });
});

const call = (path: string, init?: RequestInit) => app.handle(new Request(`http://localhost${path}`, init));

describe("gateway proxy", () => {
  test("forwards path, query, method, body and the request id to a live instance", async () => {
    const res = await call("/api/trading/orders/42?x=1", {
      method: "POST",
      body: '{"a":1}',
      headers: {
        "content-type": "application/json",
        "x-request-id": "req-abcdef12",
        connection: "x-secret-hop",
        "x-secret-hop": "1",
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-upstream")).toBe("yes");
    expect(await json(res)).toEqual({
      path: "/orders/42",
      search: "?x=1",
      method: "POST",
      body: '{"a":1}',
      requestId: "req-abcdef12",
      connection: null,
      forwardedHost: "localhost",
    });
  });

  test("passes upstream statuses through unchanged", async () => {
    expect((await call("/api/trading/teapot")).status).toBe(418);
  });

  test("answers 503 problem+json naming the service when no instance is live", async () => {
    const res = await call("/api/scoring/anything");
    expect(res.status).toBe(503);
    const body = await json(res);
    // Retried once (a GET is safe to repeat), then the last cause speaks.
    expect(body.detail).toStartWith("no routable instance of scoring");
  });

  test("answers 502 when the chosen instance does not answer", async () => {
    const res = await call("/api/dead/x");
    expect(res.status).toBe(502);
    expect((await json(res)).detail).toContain("dead (dead-1) unreachable");
  });

  test("round-robins across instances", async () => {
    const second = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => Response.json({ path: "second" }),
    });
    instances.set("trading", [
      { id: "trading-1", url: `http://127.0.0.1:${upstream.port}` },
      { id: "trading-2", url: `http://127.0.0.1:${second.port}` },
    ]);
    const paths = new Set<string>();
    for (let i = 0; i < 4; i++) paths.add((await json(call("/api/trading/p"))).path);
    expect(paths).toEqual(new Set(["/p", "second"]));
    second.stop(true);
    instances.set("trading", [{ id: "trading-1", url: `http://127.0.0.1:${upstream.port}` }]);
  });
});

describe("gateway breakers", () => {
  test("opens the upstream's breaker after its failures, then rejects without calling it", async () => {
    let hits = 0;
    const failing = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => {
        hits++;
        return new Response("boom", { status: 500 });
      },
    });
    instances.set("flaky", [{ id: "flaky-1", url: `http://127.0.0.1:${failing.port}` }]);
    const gw = createApp({
      ...testPlatformDeps(),
      discovery,
      consoleDir,
      upstreamPolicies: { retry: false, timeoutMs: 1_000, breaker: { minimumCalls: 3, openMs: 60_000 } },
    }).app;
    const get = (path: string) => gw.handle(new Request(`http://localhost${path}`));
    for (let i = 0; i < 3; i++) expect((await get("/api/flaky/x")).status).toBe(502);
    const rejected = await get("/api/flaky/x");
    expect(rejected.status).toBe(503);
    expect((await json(rejected)).code).toBe("CIRCUIT_OPEN");
    expect(Number(rejected.headers.get("retry-after"))).toBe(60);
    expect(hits).toBe(3);
    const { breakers } = await json(get("/ops/breakers"));
    expect(breakers.find((b: { name: string }) => b.name === "http:flaky")).toMatchObject({
      upstream: "flaky",
      state: "open",
    });
    failing.stop(true);
  });
});

describe("gateway console", () => {
  test("serves index.html at / and for client-side routes", async () => {
    for (const path of ["/", "/services", "/services/trading"]) {
      const res = await call(path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("<title>Diana</title>");
    }
  });

  test("serves hashed assets with a long cache", async () => {
    const res = await call("/assets/app-abc123.js");
    expect(await res.text()).toBe("console.log('hi')");
    expect(res.headers.get("cache-control")).toContain("immutable");
  });

  test("never serves files outside the console directory", async () => {
    const res = await call("/..%2fdiana-secret.txt");
    expect(await res.text()).not.toContain("secret");
  });

  test("keeps the kit's own routes ahead of the console fallback", async () => {
    expect(await json(call("/health/live"))).toEqual({ status: "live" });
  });
});
