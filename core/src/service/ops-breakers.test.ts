import { expect, test } from "bun:test";
import { silentLogger } from "../log";
import { circuitBreaker } from "../resilience";
import { json } from "../testing/http";
import { createService } from "./create-service";

test("serves breakers at /ops/breakers, acts on them, and answers an open circuit with 503 and Retry-After", async () => {
  const service = createService({
    name: "sample",
    version: "1",
    port: 0,
    infra: "embedded",
    logger: silentLogger,
  });
  const breaker = service.breakers.add(
    "http:trading",
    circuitBreaker({ openMs: 30_000, minimumCalls: 2, window: { kind: "count", size: 10 } }),
    { upstream: "trading" },
  );
  let failing = false;
  const app = service.app.get("/quote", () =>
    breaker.execute(async () => {
      if (failing) throw new Error("upstream down");
      return "ok";
    }),
  );
  const call = (path: string, method = "GET") =>
    app.handle(new Request(`http://localhost${path}`, { method }));

  expect(await (await call("/quote")).text()).toBe("ok");
  const listed = (await json(call("/ops/breakers"))).breakers;
  expect(listed).toHaveLength(1);
  expect(listed[0]).toMatchObject({
    name: "http:trading",
    upstream: "trading",
    state: "closed",
    mode: "normal",
  });
  expect(listed[0].window.calls).toBe(1);

  const forced = await json(call("/ops/breakers/http:trading/force-open", "POST"));
  expect(forced).toMatchObject({ state: "forced-open", mode: "forced-open" });
  expect(forced.transitions.at(-1).reason).toEqual({ kind: "manual", action: "force-open" });

  const forcedRejection = await call("/quote");
  expect(forcedRejection.status).toBe(503);
  expect(forcedRejection.headers.get("content-type")).toBe("application/problem+json");
  expect((await json(forcedRejection)).code).toBe("CIRCUIT_OPEN");

  expect((await json(call("/ops/breakers/http:trading/reset", "POST"))).state).toBe("closed");
  failing = true;
  await call("/quote");
  await call("/quote");
  expect(breaker.state).toBe("open");
  const tripped = await call("/quote");
  expect(tripped.status).toBe(503);
  // Opened for 30 s: the client is told when to come back.
  expect(Number(tripped.headers.get("retry-after"))).toBe(30);
  failing = false;
  expect((await json(call("/ops/breakers/http:trading/reset", "POST"))).state).toBe("closed");
  expect((await json(call("/ops/breakers/http:trading/metrics-only", "POST"))).mode).toBe("metrics-only");
  expect((await call("/ops/breakers/nope/reset", "POST")).status).toBe(404);
  expect((await call("/ops/breakers/http:trading/explode", "POST")).status).toBe(400);

  const metrics = await (await call("/metrics")).text();
  expect(metrics).toContain('diana_breaker_state{breaker="http:trading"');
  expect(metrics).toContain("diana_breaker_transitions_total");
});
