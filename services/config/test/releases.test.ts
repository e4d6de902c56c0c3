import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { contentHash } from "@diana/core/config";
import { json } from "@diana/core/testing";
import { requirePostgres } from "@diana/db/testing";
import { as, asService, caller, configApp, configDatabase } from "./setup";

const pg = await requirePostgres();
const suite = pg.available ? describe : describe.skip;
if (!pg.available) console.warn(`skipping config release tests: ${pg.reason}`);

const riskSchema = {
  type: "object",
  required: ["maxOrderSize", "maxExposure"],
  additionalProperties: false,
  properties: {
    maxOrderSize: { type: "string", pattern: "^[0-9]+(\\.[0-9]+)?$" },
    maxExposure: { type: "string", pattern: "^[0-9]+(\\.[0-9]+)?$" },
    halted: { type: "boolean" },
  },
};

suite("config releases", () => {
  let db: Awaited<ReturnType<typeof configDatabase>>;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    db = await configDatabase();
    call = caller(configApp(db.database).app);
  });
  afterAll(() => db?.close());

  const publish = (ns: string, content: unknown, message = "change") =>
    call("POST", `/namespaces/${ns}/releases`, { content, message });

  test("lists the eleven service namespaces and global, with no release yet", async () => {
    const { namespaces } = await json(call("GET", "/namespaces"));
    expect(namespaces.map((n: { name: string }) => n.name)).toContain("global");
    expect(namespaces).toHaveLength(12);
    expect(namespaces.every((n: { version: number | null }) => n.version === null)).toBe(true);
    const res = await call("GET", "/namespaces/trading/releases/current");
    expect(res.status).toBe(404);
    expect((await json(res)).code).toBe("RELEASE_NOT_FOUND");
  });

  test("publishes immutable releases with monotonic versions and a canonical content hash", async () => {
    const first = await publish("scoring", { weights: { rsi: 0.5, macd: 0.5 } }, "first weights");
    expect(first.status).toBe(201);
    const r1 = await json(first);
    expect(r1).toMatchObject({
      namespace: "scoring",
      version: 1,
      author: "ana",
      message: "first weights",
      rollbackOf: null,
    });
    expect(r1.hash).toBe(contentHash({ weights: { macd: 0.5, rsi: 0.5 } }));
    const r2 = await json(publish("scoring", { weights: { rsi: 0.6, macd: 0.4 } }));
    expect(r2.version).toBe(2);
    expect((await json(call("GET", "/namespaces/scoring/releases/1"))).content).toEqual({
      weights: { rsi: 0.5, macd: 0.5 },
    });
    const current = await call("GET", "/namespaces/scoring/releases/current");
    expect(current.headers.get("etag")).toBe('"v2"');
    const history = await json(call("GET", "/namespaces/scoring/releases"));
    expect(history.releases.map((r: { version: number }) => r.version)).toEqual([2, 1]);
  });

  test("answers 304 when the client's version is still current", async () => {
    await publish("orchestration", { lockMs: 100 });
    const res = await call("GET", "/namespaces/orchestration/releases/current", undefined, {
      ...(await as("viewer")),
      "if-none-match": '"v1"',
    });
    expect(res.status).toBe(304);
    await publish("orchestration", { lockMs: 200 });
    const changed = await call("GET", "/namespaces/orchestration/releases/current", undefined, {
      ...(await as("viewer")),
      "if-none-match": '"v1"',
    });
    expect(changed.status).toBe(200);
    expect((await json(changed)).version).toBe(2);
  });

  test("refuses a release that breaks the namespace schema, listing every error and writing nothing", async () => {
    const set = await call("PUT", "/namespaces/risk-guard/schema", {
      schema: riskSchema,
      reason: "limits are decimals",
    });
    expect(set.status).toBe(200);
    expect((await publish("risk-guard", { maxOrderSize: "10", maxExposure: "1000" })).status).toBe(201);
    const refused = await publish("risk-guard", { maxOrderSize: 10, halted: "yes", extra: 1 });
    expect(refused.status).toBe(422);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    const problem = await json(refused);
    expect(problem.code).toBe("RELEASE_INVALID");
    const pointers = problem.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(
      [
        "/body/content",
        "/body/content/halted",
        "/body/content/maxExposure",
        "/body/content/maxOrderSize",
      ].sort(),
    );
    const history = await json(call("GET", "/namespaces/risk-guard/releases"));
    expect(history.releases).toHaveLength(1);
    const audit = await json(call("GET", "/namespaces/risk-guard/audit"));
    expect(audit.entries.map((e: { action: string }) => e.action)).toEqual(["publish", "schema"]);
  });

  test("refuses a schema the current release would break, and a schema that does not compile", async () => {
    const breaking = await call("PUT", "/namespaces/risk-guard/schema", {
      schema: { ...riskSchema, required: [...riskSchema.required, "maxDrawdown"] },
      reason: "needs drawdown",
    });
    expect(breaking.status).toBe(422);
    expect((await json(breaking)).errors[0].pointer).toBe("/current/content/maxDrawdown");
    const broken = await call("PUT", "/namespaces/risk-guard/schema", {
      schema: { type: "nonsense" },
      reason: "typo",
    });
    expect(broken.status).toBe(422);
    expect((await json(broken)).code).toBe("SCHEMA_INVALID");
    const ns = await json(call("GET", "/namespaces/risk-guard"));
    expect(ns.schema).toEqual(riskSchema);
  });

  test("previews the diff against the current release without writing", async () => {
    const preview = await json(
      call("POST", "/namespaces/risk-guard/releases/preview", {
        content: { maxOrderSize: "12", maxExposure: "1000", halted: true },
      }),
    );
    expect(preview.baseVersion).toBe(1);
    expect(preview.errors).toEqual([]);
    expect(preview.changes).toEqual([
      { op: "add", path: "/halted", value: true },
      { op: "replace", path: "/maxOrderSize", value: "12", from: "10" },
    ]);
    const invalid = await json(
      call("POST", "/namespaces/risk-guard/releases/preview", { content: { maxOrderSize: 1 } }),
    );
    expect(invalid.errors.length).toBeGreaterThan(0);
    expect((await json(call("GET", "/namespaces/risk-guard/releases"))).releases).toHaveLength(1);
  });

  test("diffs any two versions and rolls back by publishing the old content as a new release", async () => {
    await publish("kucoin", { symbols: ["BTC-USDT"], paper: true });
    await publish("kucoin", { symbols: ["BTC-USDT", "ETH-USDT"], paper: true });
    await publish("kucoin", { symbols: ["ETH-USDT"], paper: false });
    const diff = await json(call("GET", "/namespaces/kucoin/diff?from=1&to=3"));
    expect(diff.changes).toEqual([
      { op: "replace", path: "/paper", value: false, from: true },
      { op: "replace", path: "/symbols/0", value: "ETH-USDT", from: "BTC-USDT" },
    ]);
    const rolled = await call(
      "POST",
      "/namespaces/kucoin/rollback",
      { version: 1, message: "ETH feed broken" },
      await as("operator", "bo"),
    );
    expect(rolled.status).toBe(201);
    const r4 = await json(rolled);
    expect(r4).toMatchObject({
      version: 4,
      rollbackOf: 1,
      author: "bo",
      content: { symbols: ["BTC-USDT"], paper: true },
    });
    expect(r4.hash).toBe((await json(call("GET", "/namespaces/kucoin/releases/1"))).hash);
    const audit = await json(call("GET", "/namespaces/kucoin/audit"));
    expect(audit.entries[0]).toMatchObject({
      action: "rollback",
      actor: "bo",
      version: 4,
      reason: "ETH feed broken",
      detail: { rollbackOf: 1 },
    });
    expect((await call("GET", "/namespaces/kucoin/diff?from=1&to=9")).status).toBe(404);
  });

  test("gives concurrent publishes distinct consecutive versions", async () => {
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => json(publish("dashboard", { n: i }))),
    );
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
  });

  test("each route admits exactly its role: reads a viewer, releases an operator, schemas an admin, acks a service", async () => {
    const callers: Record<string, Record<string, string>> = {
      none: { "content-type": "application/json" },
      viewer: await as("viewer"),
      operator: await as("operator"),
      admin: await as("admin"),
      service: await asService(),
    };
    const routes: Array<[string, string, unknown, Record<string, number>]> = [
      [
        "GET",
        "/namespaces/trading",
        undefined,
        { none: 401, viewer: 200, operator: 200, admin: 200, service: 200 },
      ],
      [
        "GET",
        "/namespaces/trading/audit",
        undefined,
        { none: 401, viewer: 200, operator: 200, admin: 200, service: 200 },
      ],
      [
        "POST",
        "/namespaces/trading/releases/preview",
        { content: {} },
        { none: 401, viewer: 403, operator: 200, admin: 200, service: 403 },
      ],
      [
        "POST",
        "/namespaces/trading/releases",
        { content: {}, message: "" },
        { none: 401, viewer: 403, operator: 201, admin: 201, service: 403 },
      ],
      [
        "POST",
        "/namespaces/trading/rollback",
        { version: 1, message: "" },
        { none: 401, viewer: 403, operator: 201, admin: 201, service: 403 },
      ],
      [
        "PUT",
        "/namespaces/trading/schema",
        { schema: {}, reason: "" },
        { none: 401, viewer: 403, operator: 403, admin: 200, service: 403 },
      ],
      [
        "POST",
        "/namespaces/trading/instances/trading-1/applied",
        { version: 1, status: "applied" },
        { none: 401, viewer: 403, operator: 403, admin: 403, service: 200 },
      ],
    ];
    for (const [method, path, body, expected] of routes) {
      const got: Record<string, number> = {};
      for (const [who, headers] of Object.entries(callers))
        got[who] = (await call(method, path, body, headers)).status;
      expect({ method, path, got }).toEqual({ method, path, got: expected });
    }
    const refused = await call(
      "POST",
      "/namespaces/trading/releases",
      { content: {}, message: "" },
      await as("viewer"),
    );
    expect(await json(refused)).toMatchObject({
      code: "FORBIDDEN",
      detail: "this operation needs the operator role",
    });
  });

  test("the author is the verified principal, never the body; the audit records it", async () => {
    const res = await call(
      "POST",
      "/namespaces/global/releases",
      { content: { x: 1 }, message: "by the book", author: "mallory" },
      await as("operator", "cy"),
    );
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ author: "cy", message: "by the book" });
    await call("PUT", "/namespaces/global/schema", { schema: {}, reason: "open" }, await as("admin", "root"));
    const audit = await json(call("GET", "/namespaces/global/audit"));
    expect(audit.entries.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ["schema", "root"],
      ["publish", "cy"],
    ]);
  });

  test("unknown namespaces are 404", async () => {
    expect((await publish("nowhere", {})).status).toBe(404);
  });

  test("records applied acks and shows lagging and rejecting instances", async () => {
    await publish("binance", { paper: true });
    await publish("binance", { paper: false });
    const ack = async (id: string, body: unknown) =>
      call("POST", `/namespaces/binance/instances/${id}/applied`, body, await asService());
    expect((await ack("binance-a", { version: 2, status: "applied" })).status).toBe(200);
    await ack("binance-b", { version: 1, status: "applied" });
    await ack("binance-c", {
      version: 2,
      status: "rejected",
      reason: "/paper: expected string",
      runningVersion: 1,
    });
    const view = await json(call("GET", "/namespaces/binance/instances"));
    expect(view.current).toBe(2);
    expect(
      view.instances.map((i: { instanceId: string; lagging: boolean; status: string }) => [
        i.instanceId,
        i.status,
        i.lagging,
      ]),
    ).toEqual([
      ["binance-a", "applied", false],
      ["binance-b", "applied", true],
      ["binance-c", "rejected", true],
    ]);
  });
});
