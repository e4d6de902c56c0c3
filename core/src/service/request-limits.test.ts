import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { t } from "elysia";
import { silentLogger } from "../log";
import { json } from "../testing/http";
import { createService, type Service } from "./create-service";
import { jsonDeeperThan } from "./json-depth";

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

function sample(overrides: Partial<Parameters<typeof createService>[0]> = {}) {
  const service = createService({
    name: "sample",
    version: "0.0.1",
    port: 0,
    infra: "embedded",
    logger: silentLogger,
    ...overrides,
  });
  const app = service.app
    .get("/things", () => ({ things: [] }))
    .post("/things", ({ body }) => ({ got: body }), { body: t.Unknown() })
    .delete("/things/:id", ({ params }) => ({ deleted: params.id }));
  return { service, app };
}

const req = (method: string, path: string, init: RequestInit = {}) =>
  new Request(`http://localhost${path}`, { method, ...init });

describe("405 for a known path with another method", () => {
  const { app } = sample();

  test("answers 405 problem+json with Allow listing the path's methods", async () => {
    const res = await app.handle(req("PUT", "/things/7"));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("DELETE");
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await json(res)).toMatchObject({ status: 405, code: "METHOD_NOT_ALLOWED" });
    expect((await app.handle(req("PATCH", "/things"))).headers.get("allow")).toBe("GET, HEAD, POST");
    expect((await app.handle(req("POST", "/health/live"))).headers.get("allow")).toBe("GET, HEAD");
  });

  test("an unknown path stays 404", async () => {
    const res = await app.handle(req("PUT", "/nothing/here"));
    expect(res.status).toBe(404);
    expect(res.headers.get("allow")).toBeNull();
  });
});

describe("JSON depth", () => {
  const { app } = sample();
  const post = (body: string) =>
    app.handle(req("POST", "/things", { headers: { "content-type": "application/json" }, body }));

  test("a body nested 1,000 deep is refused with 400 before it is parsed, quickly", async () => {
    const started = performance.now();
    const res = await post(nested(1_000));
    expect(performance.now() - started).toBeLessThan(250);
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ code: "JSON_TOO_DEEP" });
    expect((await post(`[${"[".repeat(100_000)}`)).status).toBe(400);
  });

  test("64 levels pass, 65 do not; brackets inside strings do not count", async () => {
    expect((await post(nested(64))).status).toBe(200);
    expect((await post(nested(65))).status).toBe(400);
    const text = JSON.stringify({ s: '[[[[{{{{\\"[[['.repeat(100) });
    expect(await json(post(text))).toEqual({ got: JSON.parse(text) });
  });

  test("malformed JSON is 400 problem+json", async () => {
    const res = await post('{"a":');
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ code: "MALFORMED_BODY" });
  });

  test("the scan counts arrays and objects and skips escaped quotes", () => {
    expect(jsonDeeperThan("[[1]]", 2)).toBe(false);
    expect(jsonDeeperThan("[[[1]]]", 2)).toBe(true);
    expect(jsonDeeperThan('["\\"[[[[", {"a":[]}]', 3)).toBe(false);
    expect(jsonDeeperThan('["\\"[[[[", {"a":[]}]', 2)).toBe(true);
  });
});

describe("connection limits of a listening service", () => {
  let service: Service;
  let port: number;

  beforeAll(async () => {
    service = sample({ idleTimeoutSeconds: 1 }).service;
    await service.start();
    port = service.app.server!.port!;
  });
  afterAll(() => service.stop());

  test("an oversized header block is refused with 431 (Bun's 16 KiB limit)", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/things`, {
      headers: { "x-big": "a".repeat(20 * 1024) },
    });
    expect(res.status).toBe(431);
    const fine = await fetch(`http://127.0.0.1:${port}/health/live`, {
      headers: { "x-big": "a".repeat(8 * 1024) },
    });
    expect(fine.status).toBe(200);
  });

  /**
   * Opens a raw connection and sends `first`; then nothing more, or one header line every `everyMs`.
   * Resolves when the server closes it, with what it answered.
   */
  async function slowClient(
    first: string,
    everyMs?: number,
  ): Promise<{ closedAfterMs: number; answer: string }> {
    const started = performance.now();
    let answer = "";
    const { promise: closed, resolve } = Promise.withResolvers<number>();
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data: (_s, d) => {
          answer += d.toString();
        },
        close: () => resolve(performance.now() - started),
      },
    });
    socket.write(first);
    const timer = everyMs ? setInterval(() => socket.write("X-Slow: 1\r\n"), everyMs) : undefined;
    const guard = setTimeout(() => socket.end(), 20_000);
    const closedAfterMs = await closed;
    clearInterval(timer);
    clearTimeout(guard);
    return { closedAfterMs, answer };
  }

  test("slow clients are cut off: headers trickled or stalled by Bun's header timeout, an idle keep-alive by the idle timeout", async () => {
    const partial = "GET /things HTTP/1.1\r\nHost: localhost\r\n";
    const [trickled, stalled, idle] = await Promise.all([
      slowClient(partial, 250),
      slowClient(partial),
      slowClient(`${partial}\r\n`),
    ]);
    // Bun ends a request whose headers have not arrived within ~10 s however they trickle (its timers tick in 4 s steps).
    for (const slow of [trickled, stalled]) {
      expect(slow.closedAfterMs).toBeLessThan(16_000);
      expect(slow.answer).toBe("");
    }
    // Answered, then silent: closed after the idle timeout (1 s here) plus at most one 4 s tick.
    expect(idle.answer).toStartWith("HTTP/1.1 200");
    expect(idle.closedAfterMs).toBeLessThan(6_000);
  }, 20_000);
});
