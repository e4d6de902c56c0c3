import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Type } from "@sinclair/typebox";
import { createConfigClient } from "./client";

const dir = await mkdtemp(join(tmpdir(), "diana-config-cache-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

test("a config service that answers 'no release yet' wins over a cache from another history", async () => {
  // The cache holds version 20 from an earlier config database; the service now has none.
  await Bun.write(
    join(dir, "config-cache", "trading.json"),
    JSON.stringify({
      namespace: "trading",
      version: 20,
      content: { limit: 7 },
      hash: "0".repeat(64),
      author: "someone",
      message: "",
      rollbackOf: null,
      createdAt: new Date().toISOString(),
    }),
  );
  const fetchNone = (async () => new Response(null, { status: 404 })) as unknown as typeof fetch;
  const client = createConfigClient({
    url: "http://config.test",
    namespace: "trading",
    schema: Type.Object({ limit: Type.Integer({ default: 1 }) }),
    token: "t",
    instanceId: "trading-1",
    cacheDir: dir,
    stream: false,
    fetch: fetchNone,
  });
  const snapshot = await client.start();
  expect(snapshot).toMatchObject({ version: 0, source: "defaults", value: { limit: 1 } });
  await client.stop();
});
