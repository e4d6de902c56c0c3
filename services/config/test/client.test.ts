import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ConfigClient, type ConfigClientOptions, createConfigClient } from "@diana/core/config";
import { freePort, json, waitFor } from "@diana/core/testing";
import { requirePostgres } from "@diana/db/testing";
import { Type } from "@sinclair/typebox";
import { as, auth, configApp, configDatabase, serviceToken } from "./setup";

const pg = await requirePostgres();
const suite = pg.available ? describe : describe.skip;
if (!pg.available) console.warn(`skipping config client tests: ${pg.reason}`);

const limitsSchema = Type.Object({
  maxOrderSize: Type.Number({ minimum: 0, default: 100 }),
  symbols: Type.Array(Type.String(), { default: ["BTC-USDT"] }),
});

suite("config client against the config service", () => {
  let db: Awaited<ReturnType<typeof configDatabase>>;
  let service: ReturnType<typeof configApp>;
  let port: number;
  let url: string;
  let cacheDir: string;
  const clients: ConfigClient<unknown>[] = [];

  const startService = async () => {
    service = configApp(db.database, { port, streamHeartbeatMs: 1_000 });
    await service.start();
    await service.ready;
  };

  const client = <S extends typeof limitsSchema>(
    ns: string,
    instanceId: string,
    extra: Partial<ConfigClientOptions<S>> = {},
  ) => {
    const c = createConfigClient({
      url,
      namespace: ns,
      schema: limitsSchema,
      token: serviceToken,
      instanceId,
      reconnect: { initialMs: 20, maxMs: 200 },
      ...extra,
    });
    clients.push(c as ConfigClient<unknown>);
    return c;
  };

  const publish = async (ns: string, content: unknown) => {
    const res = await fetch(`${url}/namespaces/${ns}/releases`, {
      method: "POST",
      headers: await auth(),
      body: JSON.stringify({ content, message: "" }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { version: number };
  };

  const instances = async (ns: string) =>
    json(fetch(`${url}/namespaces/${ns}/instances`, { headers: await as("viewer") }));

  beforeAll(async () => {
    db = await configDatabase();
    port = freePort();
    url = `http://127.0.0.1:${port}`;
    cacheDir = await mkdtemp(join(tmpdir(), "diana-config-"));
    await startService();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await service?.stop();
    await db?.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  test("starts on the schema defaults before any release, then a pushed release reaches it and its ack is recorded", async () => {
    const c = client("trading", "trading-1");
    const first = await c.start();
    expect(first).toMatchObject({
      version: 0,
      source: "defaults",
      value: { maxOrderSize: 100, symbols: ["BTC-USDT"] },
    });
    await c.check();
    const changes: Array<[number, number]> = [];
    c.onChange((next, previous) => changes.push([previous.version, next.version]));
    await waitFor(() => c.status().streaming, { what: "stream connected" });
    await publish("trading", { maxOrderSize: 5 });
    await waitFor(() => c.current().version === 1, { what: "release 1 applied" });
    expect(c.current().value).toEqual({ maxOrderSize: 5, symbols: ["BTC-USDT"] });
    expect(Object.isFrozen(c.current().value)).toBe(true);
    expect(changes).toEqual([[0, 1]]);
    const view = await waitFor(async () => {
      const v = await instances("trading");
      return (
        v.instances.find((i: { instanceId: string }) => i.instanceId === "trading-1")?.version === 1 && v
      );
    });
    expect(view.instances[0]).toMatchObject({
      instanceId: "trading-1",
      status: "applied",
      runningVersion: 1,
      lagging: false,
    });
  });

  test("keeps the last good release when a new one fails its own schema, and reports the rejection", async () => {
    const c = client("scoring", "scoring-1");
    await publish("scoring", { maxOrderSize: 7 });
    expect((await c.start()).version).toBe(1);
    await waitFor(() => c.status().streaming);
    await publish("scoring", { maxOrderSize: "lots" });
    const view = await waitFor(async () => {
      const v = await instances("scoring");
      return v.instances[0]?.status === "rejected" && v;
    });
    expect(view.instances[0]).toMatchObject({ version: 2, runningVersion: 1, lagging: true });
    expect(view.instances[0].reason).toContain("/maxOrderSize");
    expect(c.current()).toMatchObject({ version: 1, value: { maxOrderSize: 7 } });
    await publish("scoring", { maxOrderSize: 8 });
    await waitFor(() => c.current().version === 3);
  });

  test("without the stream, revalidates by version once the TTL has passed", async () => {
    let clock = 1_000_000;
    const calls: string[] = [];
    const c = client("kucoin", "kucoin-1", {
      stream: false,
      ttlMs: 10_000,
      now: () => clock,
      fetch: ((input: string, init?: RequestInit) => {
        calls.push(
          `${new Headers(init?.headers).get("if-none-match") ?? "-"} ${String(input).split("/").slice(-2).join("/")}`,
        );
        return fetch(input, init);
      }) as typeof fetch,
    });
    await publish("kucoin", { maxOrderSize: 1 });
    expect((await c.start()).version).toBe(1);
    await publish("kucoin", { maxOrderSize: 2 });
    clock += 9_999;
    expect(c.current().version).toBe(1);
    clock += 1;
    c.current();
    await waitFor(() => c.current().version === 2, { what: "revalidated to version 2" });
    clock += 10_000;
    c.current();
    await waitFor(() => calls.filter((l) => l.startsWith('"v2"')).length === 1);
    await c.revalidate();
    expect(c.current().version).toBe(2);
    expect(calls.filter((l) => l.includes("releases/current"))).toEqual([
      "- releases/current",
      '"v1" releases/current',
      '"v2" releases/current',
      '"v2" releases/current',
    ]);
  });

  test("restarting the config service loses nothing; clients reconnect, catch up, and a client started from its cache turns ready", async () => {
    const a = client("dashboard", "dashboard-1", { cacheDir });
    await a.start();
    await waitFor(() => a.status().streaming);
    for (let i = 1; i <= 3; i++) await publish("dashboard", { maxOrderSize: i });
    await waitFor(() => a.current().version === 3);
    await a.stop();

    await service.stop("restart test");
    const b = client("dashboard", "dashboard-2", { cacheDir });
    const fromCache = await b.start();
    expect(fromCache).toMatchObject({ version: 3, source: "cache", value: { maxOrderSize: 3 } });
    await expect(b.check()).rejects.toThrow(/not reached/);
    const streaming = client("trading", "trading-2");
    // Before the stop this client would have connected; now it keeps retrying.
    expect((await streaming.start()).source).toBe("defaults");

    await startService();
    await waitFor(() => b.status().streaming && streaming.status().streaming, {
      what: "clients reconnected",
    });
    await b.check();
    const history = await json(
      fetch(`${url}/namespaces/dashboard/releases`, { headers: await as("viewer") }),
    );
    expect(history.releases.map((r: { version: number }) => r.version)).toEqual([3, 2, 1]);
    await publish("dashboard", { maxOrderSize: 4 });
    await waitFor(() => b.current().version === 4, { what: "pushed after restart" });
    expect(streaming.current().version).toBe(1);
  });

  test("a client that missed releases while disconnected catches up through Last-Event-ID", async () => {
    const c = client("binance", "binance-1");
    await c.start();
    await waitFor(() => c.status().streaming);
    const seen: number[] = [];
    c.onChange((next) => seen.push(next.version));
    await service.stop("restart test");
    await startService();
    for (let i = 1; i <= 5; i++) await publish("binance", { maxOrderSize: i });
    await waitFor(() => c.current().version === 5);
    expect(seen.at(-1)).toBe(5);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
  });
});
