import { describe, expect, test } from "bun:test";
import { BreakerSet, BrokenCircuitError, FakeClock, RetryBudgetExceededError } from "../resilience";
import { createHttpClient } from "./client";
import { staticDiscovery } from "./discovery";
import { UpstreamNetworkError, UpstreamStatusError, UpstreamUnavailableError } from "./errors";
import { requestContext } from "./propagation";

type Handler = (url: string, init: RequestInit) => Promise<Response> | Response;

function fakeFetch(handler: Handler) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const f = (async (input: string | URL | Request, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    return handler(String(input), init);
  }) as typeof fetch;
  return { f, calls };
}

const discovery = staticDiscovery({ trading: ["http://a:1", "http://b:2"], lonely: [] });

describe("http client", () => {
  test("resolves the service name and balances round robin", async () => {
    const { f, calls } = fakeFetch(() => new Response("ok"));
    const client = createHttpClient({ discovery, fetch: f });
    await client.fetch("http://trading/orders?limit=5");
    await client.request("trading", "/orders");
    expect(calls.map((c) => c.url)).toEqual(["http://a:1/orders?limit=5", "http://b:2/orders"]);
  });

  test("least-outstanding sends to the instance with fewer requests in flight", async () => {
    const gates: Array<() => void> = [];
    const { f, calls } = fakeFetch((url) =>
      url.startsWith("http://a")
        ? new Promise((r) => gates.push(() => r(new Response("a"))))
        : new Response("b"),
    );
    const client = createHttpClient({ discovery, fetch: f, balancer: "least-outstanding" });
    const slow = client.request("trading", "/x");
    await Bun.sleep(0);
    await client.request("trading", "/x");
    await client.request("trading", "/x");
    expect(calls.map((c) => c.url.slice(7, 8))).toEqual(["a", "b", "b"]);
    gates[0]!();
    await slow;
  });

  test("propagates trace and ids from the incoming request, explicit or from the async context", async () => {
    const { f, calls } = fakeFetch(() => new Response("ok"));
    const client = createHttpClient({ discovery, fetch: f });
    const incoming = new Headers({
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "x-request-id": "req-1",
      "x-correlation-id": "corr-1",
      authorization: "Bearer secret",
    });
    await client.request("trading", "/x", {
      context: { headers: incoming },
      headers: { "x-request-id": "mine" },
    });
    await requestContext.run({ headers: incoming }, () => client.request("trading", "/y"));
    const [first, second] = calls.map((c) => new Headers(c.init.headers));
    expect(first!.get("traceparent")).toBe(incoming.get("traceparent"));
    expect(first!.get("x-request-id")).toBe("mine");
    expect(first!.get("x-correlation-id")).toBe("corr-1");
    expect(first!.has("authorization")).toBe(false);
    expect(second!.get("x-request-id")).toBe("req-1");
  });

  test("maps failures to typed errors; 4xx come back as responses", async () => {
    const client = createHttpClient({
      discovery,
      defaults: { retry: false },
      fetch: fakeFetch((url) => {
        if (url.endsWith("/404")) return new Response("no", { status: 404 });
        if (url.endsWith("/down")) throw new TypeError("connection refused");
        return new Response("busy", { status: 503 });
      }).f,
    });
    expect((await client.request("trading", "/404")).status).toBe(404);
    expect(await client.request("trading", "/down").catch((e) => e)).toBeInstanceOf(UpstreamNetworkError);
    const err = await client.request("trading", "/503").catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamStatusError);
    expect(err).toMatchObject({ upstreamStatus: 503, status: 503, retryable: true });
    expect(await client.request("lonely", "/").catch((e) => e)).toBeInstanceOf(UpstreamUnavailableError);
  });

  test("registers one breaker per upstream as http:<service>; 5xx and 429 count, 4xx do not", async () => {
    const breakers = new BreakerSet();
    let status = 404;
    const client = createHttpClient({
      discovery,
      breakers,
      defaults: { retry: false, breaker: { minimumCalls: 4, window: { kind: "count", size: 4 } } },
      fetch: fakeFetch(() => new Response("", { status })).f,
    });
    for (let i = 0; i < 4; i++) await client.request("trading", "/");
    expect(breakers.get("http:trading")?.state).toBe("closed");
    status = 429;
    for (let i = 0; i < 4; i++) await client.request("trading", "/").catch(() => {});
    expect(breakers.list()[0]).toMatchObject({ name: "http:trading", upstream: "trading", state: "open" });
    expect(await client.request("trading", "/").catch((e) => e)).toBeInstanceOf(BrokenCircuitError);
  });

  test("retries idempotent requests honouring Retry-After; never retries a POST without an idempotency key", async () => {
    const clock = new FakeClock();
    let hits = 0;
    const client = createHttpClient({
      discovery,
      clock,
      defaults: { retry: { maxAttempts: 3, budgetMs: 60_000 }, breaker: false },
      fetch: fakeFetch(() => {
        hits++;
        return new Response("", { status: 503, headers: { "retry-after": "2" } });
      }).f,
    });
    const post = await client.request("trading", "/orders", { method: "POST", body: "{}" }).catch((e) => e);
    expect(post).toBeInstanceOf(UpstreamStatusError);
    expect(hits).toBe(1);

    hits = 0;
    const keyed = client
      .request("trading", "/orders", { method: "POST", body: "{}", headers: { "idempotency-key": "k1" } })
      .catch((e) => e);
    await clock.tickAsync(1_999);
    expect(hits).toBe(1);
    await clock.tickAsync(1);
    expect(hits).toBe(2);
    await clock.tickAsync(2_000);
    expect(await keyed).toBeInstanceOf(RetryBudgetExceededError);
    expect(hits).toBe(3);
  });
});

test("sends the client's credentials when the request carries none, and never replaces a caller's", async () => {
  const seen: Array<string | null> = [];
  const upstream = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req) => {
      seen.push(req.headers.get("authorization"));
      return new Response("ok");
    },
  });
  const client = createHttpClient({
    discovery: { resolve: async () => [{ id: "a-1", url: `http://127.0.0.1:${upstream.port}` }] },
    credentials: async () => "Bearer service-token",
  });
  await client.request("a", "/x");
  await client.request("a", "/x", { headers: { authorization: "Bearer user-token" } });
  upstream.stop(true);
  expect(seen).toEqual(["Bearer service-token", "Bearer user-token"]);
});

test("a caller's Headers is sent as it is, or copied before anything is added: never changed", async () => {
  const { f, calls } = fakeFetch(() => new Response("ok"));
  const client = createHttpClient({ discovery, fetch: f });
  const own = new Headers({ "x-request-id": "r-1" });
  await client.request("trading", "/x", { headers: own });
  expect(calls[0]!.init.headers).toBe(own);
  await requestContext.run({ headers: new Headers({ traceparent: "00-abc-def-01" }) }, () =>
    client.request("trading", "/x", { headers: own }),
  );
  expect(calls[1]!.init.headers).not.toBe(own);
  expect(new Headers(calls[1]!.init.headers).get("traceparent")).toBe("00-abc-def-01");
  const signed = createHttpClient({ discovery, fetch: f, credentials: async () => "Bearer svc" });
  await signed.request("trading", "/x", { headers: own });
  expect(new Headers(calls[2]!.init.headers).get("authorization")).toBe("Bearer svc");
  expect([...own]).toEqual([["x-request-id", "r-1"]]);
});
