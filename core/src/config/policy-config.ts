import { type Static, Type } from "@sinclair/typebox";
import {
  type BreakerSet,
  type CircuitBreakerOptions,
  type Clock,
  type Policy,
  type RetryOptions,
  retry,
  systemClock,
  timeout,
  wrap,
} from "../resilience";

const Breaker = Type.Object(
  {
    failureRateThreshold: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    minimumCalls: Type.Optional(Type.Integer({ minimum: 1 })),
    openMs: Type.Optional(Type.Integer({ minimum: 1 })),
    halfOpenProbes: Type.Optional(Type.Integer({ minimum: 1 })),
    halfOpenMaxMs: Type.Optional(Type.Integer({ minimum: 1 })),
    slowCall: Type.Optional(
      Type.Union([
        Type.Literal(false),
        Type.Object({
          durationMs: Type.Integer({ minimum: 1 }),
          rateThreshold: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
        }),
      ]),
    ),
    window: Type.Optional(
      Type.Union([
        Type.Object({ kind: Type.Literal("count"), size: Type.Integer({ minimum: 1 }) }),
        Type.Object({
          kind: Type.Literal("time"),
          durationMs: Type.Integer({ minimum: 1 }),
          buckets: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
      ]),
    ),
  },
  { additionalProperties: false },
);

const UpstreamPolicy = Type.Object(
  {
    breaker: Type.Optional(Breaker),
    retry: Type.Optional(
      Type.Object(
        {
          maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
          budgetMs: Type.Optional(Type.Integer({ minimum: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/**
 * The resilience part of a namespace: policies per upstream, `"*"` for every upstream. Put it under a
 * key of the service's config schema (e.g. `resilience`).
 *
 * @example
 * const schema = Type.Object({ resilience: PolicyConfigSchema, maxOrderSize: Type.String() });
 */
export const PolicyConfigSchema = Type.Object(
  { upstreams: Type.Record(Type.String(), UpstreamPolicy, { default: {} }) },
  { default: { upstreams: {} } },
);
export type PolicyConfig = Static<typeof PolicyConfigSchema>;
export type UpstreamPolicyConfig = Static<typeof UpstreamPolicy>;

/** Options of `upstream` merged over those of `"*"`. */
export function policyFor(config: PolicyConfig, upstream: string): UpstreamPolicyConfig {
  const all = config.upstreams["*"] ?? {};
  const own = config.upstreams[upstream] ?? {};
  return {
    breaker: all.breaker || own.breaker ? { ...all.breaker, ...own.breaker } : undefined,
    retry: all.retry || own.retry ? { ...all.retry, ...own.retry } : undefined,
    timeoutMs: own.timeoutMs ?? all.timeoutMs,
  };
}

/**
 * Applies a release's breaker options to the breakers in `breakers` with `reconfigure`, which keeps
 * each breaker's state and window (an open breaker stays open). A breaker's upstream is its
 * `meta.upstream`, else its name. Returns the names reconfigured.
 *
 * @example
 * config.onChange((next) => applyPolicyConfig(service.breakers, next.value.resilience));
 */
export function applyPolicyConfig(breakers: BreakerSet, config: PolicyConfig): string[] {
  const changed: string[] = [];
  for (const { name, breaker, meta } of breakers.entriesList()) {
    const options = policyFor(config, meta.upstream ?? name).breaker;
    if (!options) continue;
    breaker.reconfigure(options as CircuitBreakerOptions);
    changed.push(name);
  }
  return changed;
}

/**
 * A retry → timeout pair per upstream whose options follow the config: retry and timeout keep no
 * state between calls, so a release swaps them for new ones, and calls already running finish
 * under the options they started with.
 *
 * @example
 * const live = livePolicies(config.current().value.resilience);
 * config.onChange((next) => live.apply(next.value.resilience));
 * await wrap(live.for("trading"), breaker).execute(call);
 */
export function livePolicies(
  initial: PolicyConfig,
  options: { clock?: Clock; retryDefaults?: RetryOptions } = {},
) {
  const clock = options.clock ?? systemClock;
  let config = initial;
  const built = new Map<string, Policy>();
  const build = (upstream: string): Policy => {
    const p = policyFor(config, upstream);
    const parts: Policy[] = [];
    if (p.retry) parts.push(retry({ clock, ...options.retryDefaults, ...p.retry }));
    if (p.timeoutMs) parts.push(timeout({ ms: p.timeoutMs, clock }));
    return wrap(...parts);
  };
  return {
    /** The live policy of `upstream`; each call runs under the options in force when it starts. */
    for(upstream: string): Policy {
      return {
        execute: (fn, ctx) => {
          let policy = built.get(upstream);
          if (!policy) {
            policy = build(upstream);
            built.set(upstream, policy);
          }
          return policy.execute(fn, ctx);
        },
      };
    },
    /** Takes a new configuration; policies are rebuilt on their next call. */
    apply(next: PolicyConfig) {
      config = next;
      built.clear();
    },
  };
}
