import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { json, testServiceBearer, waitFor } from "@diana/core/testing";
import { serviceNames } from "../src/catalogue";
import type { RunningSuite } from "../src/launch";
import { expectPrometheusMetrics, expectValidOpenApi } from "./fleet-checks";
import { type RealSuite, realInfrastructure, startRealSuite } from "./real-suite";

const infra = await realInfrastructure();
/** Service tokens read like a viewer. */
const viewer = async () => ({ authorization: await testServiceBearer() });
const suiteDescribe = infra.skip ? describe.skip : describe;
if (infra.skip) console.warn(`skipping the real-infrastructure suite test: ${infra.skip}`);

suiteDescribe("the suite on real Postgres and Redis", () => {
  let real: RealSuite;
  let suite: RunningSuite;
  let gateway: string;
  /** The admin's bearer, from the gateway's login route as the console gets it. */
  let admin: { authorization: string };

  beforeAll(async () => {
    real = await startRealSuite(infra.amqpUrl);
    ({ suite, gateway } = real);
    admin = { authorization: `Bearer ${(await real.login("admin", real.adminPassword)).accessToken}` };
  }, 60_000);

  afterAll(() => real?.stop(), 30_000);

  test("brings all eleven services to ready and lists them healthy through the gateway", async () => {
    expect(suite.services.map((s) => s.name).sort()).toEqual([...serviceNames].sort());
    expect(suite.infra).toBe("real");
    const body = await waitFor(async () => {
      const res = await json(fetch(`${gateway}/api/registry/services`, { headers: admin }));
      return res.services.filter((s: { status: string }) => s.status === "healthy").length === 11 && res;
    });
    expect(body.services.map((s: { name: string }) => s.name).sort()).toEqual([...serviceNames].sort());
    const instances = (await json(fetch(`${gateway}/api/registry/instances`, { headers: await viewer() })))
      .instances;
    expect(instances).toHaveLength(11);
    for (const i of instances)
      expect(i).toMatchObject({ status: "passing", infra: "real", version: "0.1.0" });
  });

  test("every service's /openapi is a valid OpenAPI 3.1 document", async () => {
    for (const s of suite.services) await expectValidOpenApi(s);
  });

  test("every service's /metrics parses as Prometheus text, all diana_* with a service label", async () => {
    for (const s of suite.services) await expectPrometheusMetrics(s);
  });

  test("every service is ready with its database and key-value checks up", async () => {
    for (const s of suite.services) {
      const res = await fetch(`${s.url}/health/ready`);
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.checks.database.status).toBe("up");
      expect(body.checks.kv.status).toBe("up");
      expect(body.checks.bus.status).toBe("up");
    }
  });

  test("every service serves /ops/bus on RabbitMQ, /ops/breakers and /ops/outbox", async () => {
    for (const s of suite.services) {
      expect((await json(fetch(`${s.url}/ops/bus`, { headers: await viewer() }))).kind).toBe("rabbitmq");
      expect((await json(fetch(`${s.url}/ops/breakers`, { headers: await viewer() }))).breakers).toBeArray();
      const outbox = await json(fetch(`${s.url}/ops/outbox`, { headers: await viewer() }));
      expect(outbox).toMatchObject({ pending: 0, dead: 0 });
    }
  });

  test("each service migrated its own schema", async () => {
    const { SQL } = await import("bun");
    const sql = new SQL(real.databaseUrl, { max: 1 });
    const rows: Array<{ schema_name: string }> =
      await sql`select schema_name from information_schema.schemata`;
    await sql.close();
    const schemas = rows.map((r) => r.schema_name);
    for (const name of serviceNames) expect(schemas).toContain(name.replaceAll("-", "_"));
  });

  test("every service checks tokens: none is 401, the admin's from the gateway's login is accepted", async () => {
    for (const s of suite.services) {
      const anonymous = await fetch(`${s.url}/ops/info`);
      expect({ service: s.name, status: anonymous.status }).toEqual({ service: s.name, status: 401 });
      const signedIn = await fetch(`${s.url}/ops/info`, { headers: admin });
      expect({ service: s.name, status: signedIn.status }).toEqual({ service: s.name, status: 200 });
    }
    expect((await fetch(`${gateway}/api/trading/ops/info`)).status).toBe(401);
    expect((await json(fetch(`${gateway}/auth/me`, { headers: admin }))).role).toBe("admin");
  });

  test("the gateway forwards to a service and answers 503 naming a service with no live instance", async () => {
    const info = await json(fetch(`${gateway}/api/trading/ops/info`, { headers: admin }));
    expect(info.name).toBe("trading");
    const res = await fetch(`${gateway}/api/nosuch/ops/info`);
    expect(res.status).toBe(503);
    expect((await json(res)).detail).toContain("nosuch");
  });

  test("publishes releases to every namespace; each service applies its latest within 5 s and reports it", async () => {
    const publish = (ns: string, n: number) =>
      fetch(`${gateway}/api/config/namespaces/${ns}/releases`, {
        method: "POST",
        headers: { ...admin, "content-type": "application/json" },
        body: JSON.stringify({
          // A breaker policy for every upstream; the round number makes each release distinct.
          content: { policies: { upstreams: { "*": { breaker: { minimumCalls: 10 + n } } } } },
          message: `round ${n}`,
        }),
      });
    const names = suite.services.map((s) => s.name);
    let last: Record<string, number> = {};
    for (let round = 0; round < 20; round++) {
      const released = await Promise.all(
        names.map(async (ns) => [ns, (await json(publish(ns, round))).version] as const),
      );
      last = Object.fromEntries(released);
    }
    const publishedAt = performance.now();
    await waitFor(
      async () => {
        const applied = await Promise.all(
          suite.services.map(
            async (s) => (await json(fetch(`${s.url}/ops/config`, { headers: await viewer() }))).version,
          ),
        );
        return applied.every((v, i) => v === last[names[i]!]);
      },
      { timeoutMs: 5_000, what: "every service on its namespace's latest release" },
    );
    expect(performance.now() - publishedAt).toBeLessThan(5_000);
    // The config service knows who applied what; the registry carries it too.
    const ack = await waitFor(async () => {
      const { instances } = await json(
        fetch(`${gateway}/api/config/namespaces/trading/instances`, { headers: admin }),
      );
      return instances.find((i: { runningVersion: number }) => i.runningVersion === last.trading);
    });
    expect(ack).toMatchObject({ status: "applied", lagging: false });
    await waitFor(async () => {
      const { instances } = await json(
        fetch(`${gateway}/api/registry/instances?service=trading`, { headers: admin }),
      );
      return instances[0].configVersion === last.trading;
    });
  });

  test("a drained instance gets no traffic from the gateway, and gets it back when enabled", async () => {
    const route = () => fetch(`${gateway}/api/scoring/ops/info`, { headers: admin });
    expect((await route()).status).toBe(200);
    const { instances } = await json(
      fetch(`${gateway}/api/registry/instances?service=scoring`, { headers: admin }),
    );
    const id = instances[0].id;
    const post = (path: string, body?: unknown) =>
      fetch(`${gateway}/api/registry/instances/${id}/${path}`, {
        method: "POST",
        headers: { ...admin, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await post("drain", { reason: "suite test" })).status).toBe(200);
    // The gateway's watched view drops it; its only instance drained, scoring is unavailable.
    const refused = await waitFor(async () => {
      const res = await route();
      return res.status === 503 ? res : undefined;
    });
    expect((await json(refused)).detail).toContain("scoring");
    expect((await post("enable")).status).toBe(200);
    await waitFor(async () => (await route()).status === 200);
  });
});
