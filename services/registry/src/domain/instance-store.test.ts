import { expect, test } from "bun:test";
import { memoryKv } from "@diana/core/kv";
import { createInstanceStore } from "./instance-store";

test("a drain survives heartbeats that race it", async () => {
  const store = createInstanceStore(memoryKv());
  const id = "scoring-000000000001";
  await store.register({
    id,
    service: "scoring",
    url: "http://127.0.0.1:8011",
    version: "0.1.0",
    infra: "embedded",
    startedAt: new Date().toISOString(),
    ttlMs: 10_000,
  });
  for (let i = 0; i < 50; i++) {
    const drain = { reason: `round ${i}`, at: new Date().toISOString() };
    // The heartbeat reads the record before the drain lands and writes it back after.
    await Promise.all([store.heartbeat(id), store.setDrain(id, drain), store.heartbeat(id)]);
    expect((await store.get(id))?.drained).toEqual(drain);
  }
  await store.setDrain(id, null);
  expect((await store.get(id))?.routable).toBe(true);
});
