import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ConfigClient, createConfigClient } from "@diana/core/config";
import { freePort, json, waitFor } from "@diana/core/testing";
import { serviceNames } from "@diana/db";
import { requirePostgres } from "@diana/db/testing";
import { type Static, Type } from "@sinclair/typebox";
import { as, auth, configApp, configDatabase, serviceToken } from "./setup";

const pg = await requirePostgres();
const suite = pg.available ? describe : describe.skip;
if (!pg.available) console.warn(`skipping the config fleet test: ${pg.reason}`);

const RELEASES = 1_000;
/** The eleven services, one config client each. */
const SERVICES = serviceNames;

// Each release carries its version twice, far apart: a snapshot mixing two releases would show two numbers.
const schema = Type.Object({
  version: Type.Integer({ default: 0 }),
  limits: Type.Object({ copyOfVersion: Type.Integer({ default: 0 }) }, { default: {} }),
});
type Limits = Static<typeof schema>;

suite("config under load", () => {
  let db: Awaited<ReturnType<typeof configDatabase>>;
  let service: ReturnType<typeof configApp>;
  let url: string;
  const clients: ConfigClient<Limits>[] = [];

  beforeAll(async () => {
    db = await configDatabase();
    const port = freePort();
    url = `http://127.0.0.1:${port}`;
    service = configApp(db.database, { port });
    await service.start();
    await service.ready;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await service?.stop();
    await db?.close();
  });

  test(`${RELEASES} releases while eleven services follow: all end on the latest within 5 s, none ever sees a mix`, async () => {
    for (const name of SERVICES) {
      const c = createConfigClient({
        url,
        namespace: "global",
        schema,
        token: serviceToken,
        instanceId: `${name}-0001`,
      });
      await c.start();
      clients.push(c);
    }
    await waitFor(() => clients.every((c) => c.status().streaming), { what: "every stream connected" });

    let observations = 0;
    const mixes: string[] = [];
    const observe = (service: string, s: { version: number; value: Limits }) => {
      observations++;
      if (s.value.version !== s.version || s.value.limits.copyOfVersion !== s.version)
        mixes.push(`${service} saw ${JSON.stringify(s)}`);
    };
    for (const [i, c] of clients.entries()) c.onChange((next) => observe(SERVICES[i]!, next));
    // Request handlers: take one snapshot, yield, then read it again, as a handler that awaits I/O would.
    let handling = true;
    const handlers = (async () => {
      while (handling) {
        for (const [i, c] of clients.entries()) {
          const snapshot = c.current();
          await Promise.resolve();
          observe(SERVICES[i]!, snapshot);
        }
        await Bun.sleep(1);
      }
    })();

    const headers = await auth();
    for (let v = 1; v <= RELEASES; v++) {
      const res = await fetch(`${url}/namespaces/global/releases`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          content: { version: v, limits: { copyOfVersion: v } },
          message: `#${v}`,
        }),
      });
      if (res.status !== 201) throw new Error(`publish ${v} answered ${res.status}: ${await res.text()}`);
    }
    const published = performance.now();
    await waitFor(() => clients.every((c) => c.current().version === RELEASES), {
      timeoutMs: 5_000,
      what: "every client on the latest release",
    });
    const convergedMs = performance.now() - published;
    handling = false;
    await handlers;

    expect(mixes).toEqual([]);
    expect(observations).toBeGreaterThan(RELEASES);
    expect(convergedMs).toBeLessThan(5_000);
    const view = await waitFor(
      async () => {
        const v = await json(fetch(`${url}/namespaces/global/instances`, { headers: await as("viewer") }));
        return (
          v.instances.length === SERVICES.length &&
          v.instances.every((i: { lagging: boolean }) => !i.lagging) &&
          v
        );
      },
      { what: "every instance acknowledged the latest" },
    );
    expect(view.current).toBe(RELEASES);
  }, 60_000);
});
