import { describe, expect, test } from "bun:test";
import { Value } from "@sinclair/typebox/value";
import { BreakerSet, circuitBreaker, FakeClock, RetryBudgetExceededError, TimeoutError } from "../resilience";
import {
  applyPolicyConfig,
  livePolicies,
  type PolicyConfig,
  PolicyConfigSchema,
  policyFor,
} from "./policy-config";

const fail = () => Promise.reject(Object.assign(new Error("boom"), { retryable: true }));

describe("policy config", () => {
  test("merges an upstream's options over the wildcard's", () => {
    const config: PolicyConfig = {
      upstreams: {
        "*": { timeoutMs: 2_000, breaker: { openMs: 10_000, minimumCalls: 5 } },
        trading: { breaker: { openMs: 1_000 } },
      },
    };
    expect(policyFor(config, "trading")).toEqual({
      breaker: { openMs: 1_000, minimumCalls: 5 },
      retry: undefined,
      timeoutMs: 2_000,
    });
    expect(policyFor(config, "kucoin").breaker).toEqual({ openMs: 10_000, minimumCalls: 5 });
  });

  test("the schema refuses nonsense and defaults to no overrides", () => {
    expect(
      Value.Check(PolicyConfigSchema, { upstreams: { trading: { breaker: { failureRateThreshold: 2 } } } }),
    ).toBe(false);
    expect(Value.Check(PolicyConfigSchema, { upstreams: { trading: { retries: 3 } } })).toBe(false);
    expect(Value.Default(PolicyConfigSchema, undefined)).toEqual({ upstreams: {} });
  });

  test("reconfigures live breakers without resetting their state: an open breaker stays open", async () => {
    const clock = new FakeClock();
    const breakers = new BreakerSet();
    const trading = breakers.add("http:trading", circuitBreaker({ clock, minimumCalls: 4, openMs: 30_000 }), {
      upstream: "trading",
    });
    const kucoin = breakers.add("http:kucoin", circuitBreaker({ clock }), { upstream: "kucoin" });
    for (let i = 0; i < 4; i++) await trading.execute(fail).catch(() => {});
    expect(trading.status).toBe("open");

    const changed = applyPolicyConfig(breakers, {
      upstreams: { trading: { breaker: { openMs: 1_000, failureRateThreshold: 0.9 } } },
    });
    expect(changed).toEqual(["http:trading"]);
    expect(trading.status).toBe("open");
    expect(trading.config).toMatchObject({ openMs: 1_000, failureRateThreshold: 0.9, minimumCalls: 4 });
    expect(kucoin.config.openMs).toBe(30_000);
    expect(trading.stats().calls).toBe(4);
  });

  test("retry and timeout follow each release", async () => {
    // The system clock with zero backoff: retry waits are real but instant.
    const live = livePolicies(
      { upstreams: { trading: { retry: { maxAttempts: 2 } } } },
      { retryDefaults: { backoff: { start: () => ({ next: () => 0 }) } } },
    );
    let attempts = 0;
    const counted = () => {
      attempts++;
      return fail();
    };
    await expect(live.for("trading").execute(counted)).rejects.toBeInstanceOf(RetryBudgetExceededError);
    expect(attempts).toBe(2);

    live.apply({ upstreams: { trading: { retry: { maxAttempts: 4 } } } });
    attempts = 0;
    await expect(live.for("trading").execute(counted)).rejects.toBeInstanceOf(RetryBudgetExceededError);
    expect(attempts).toBe(4);

    const clock = new FakeClock();
    const timed = livePolicies({ upstreams: {} }, { clock });
    timed.apply({ upstreams: { "*": { timeoutMs: 50 } } });
    const hanging = timed.for("kucoin").execute(() => new Promise(() => {}));
    clock.tick(50);
    await expect(hanging).rejects.toBeInstanceOf(TimeoutError);
  });
});
