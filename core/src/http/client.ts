import {
  type BreakerSet,
  type BulkheadOptions,
  bulkhead,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type Clock,
  circuitBreaker,
  type Policy,
  type RetryOptions,
  retry,
  systemClock,
  TimeoutError,
  timeout,
  wrap,
} from "../resilience";
import type { Tracing } from "../telemetry/tracing";
import { type BalancerKind, createBalancer } from "./balancer";
import type { Discovery } from "./discovery";
import {
  parseRetryAfter,
  UpstreamNetworkError,
  UpstreamStatusError,
  UpstreamUnavailableError,
} from "./errors";
import { isRetrySafe, propagate, propagates, type RequestContext, requestContext } from "./propagation";

/** Policies for one upstream; `false` leaves a policy out. */
export interface UpstreamPolicies {
  /** Per attempt. Defaults to 5 s. */
  timeoutMs?: number | false;
  /** Defaults to `{}` (3 attempts, 10 s budget, decorrelated jitter); only retry-safe requests use it. */
  retry?: RetryOptions | false;
  /** Defaults to `{}` (see `circuitBreaker`); failures are timeouts, network errors and counted statuses. */
  breaker?: Omit<CircuitBreakerOptions, "isFailure" | "isResultFailure"> | false;
  /** Defaults to `false` (no cap). */
  bulkhead?: BulkheadOptions | false;
  /** Which statuses fail the call (thrown as `UpstreamStatusError`, counted by the breaker). Defaults to 5xx and 429. */
  countStatus?: (status: number) => boolean;
}

export interface HttpClientOptions {
  discovery: Discovery;
  /** Defaults to `"round-robin"`. */
  balancer?: BalancerKind;
  /** Policies for every upstream. */
  defaults?: UpstreamPolicies;
  /** Per-service overrides, merged over `defaults`. */
  upstreams?: Record<string, UpstreamPolicies>;
  /** Where each upstream's breaker is registered as `http:<service>` (an existing one is reused). Defaults to a private set. */
  breakers?: BreakerSet;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Defaults to the system clock. */
  clock?: Clock;
  /**
   * The `Authorization` value for requests that carry none, e.g. a service token:
   * `() => signer.token().then((t) => \`Bearer ${t}\`)`. A caller's own header is never replaced.
   */
  credentials?: () => Promise<string>;
  /**
   * Each call (its retries included) runs in a client span, child of the active span (else of the
   * propagated `traceparent`), whose `traceparent` it sends. Without it, no span work.
   */
  tracing?: Pick<Tracing, "withClientSpan">;
}

/** `RequestInit` plus the incoming request whose trace and ids to propagate (else `requestContext`). */
export interface ClientRequestInit extends RequestInit {
  context?: RequestContext;
}

export interface HttpClient {
  /** `fetch` with a service name as host: `client.fetch("http://trading/orders?limit=5")`. */
  fetch(input: string | URL, init?: ClientRequestInit): Promise<Response>;
  request(service: string, path: string, init?: ClientRequestInit): Promise<Response>;
  /** The breaker of a service, once it has been called. */
  breaker(service: string): CircuitBreaker | undefined;
}

interface Upstream {
  safe: Policy;
  unsafe: Policy;
  breaker: CircuitBreaker | undefined;
  countStatus: (status: number) => boolean;
}

const defaultCount = (status: number) => status >= 500 || status === 429;
const countsForBreaker = (e: unknown) =>
  e instanceof UpstreamStatusError || e instanceof UpstreamNetworkError || e instanceof TimeoutError;

/**
 * The resilient `fetch` for calls between services: discovery and client-side balancing per
 * attempt, and per upstream `retry → bulkhead → breaker → timeout` (outermost first). Requests
 * that are not retry-safe (POST/PATCH without `Idempotency-Key`, streamed bodies) skip the retry.
 * Propagates `traceparent`, `tracestate`, `x-request-id` and `x-correlation-id` from
 * `init.context.headers`, or else from {@link requestContext}.
 *
 * Failures: `UpstreamUnavailableError` (no instance), `UpstreamNetworkError`, `UpstreamStatusError`
 * (counted statuses; the body is discarded), `TimeoutError`, `BrokenCircuitError`,
 * `BulkheadRejectedError`, `RetryBudgetExceededError`. Other statuses (4xx) return normally.
 *
 * @example
 * const client = createHttpClient({ discovery: registry, breakers, defaults: { timeoutMs: 2_000 } });
 * const res = await client.fetch("http://risk-guard/checks", { method: "POST", body, context: { headers: req.headers } });
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
  const balancer = createBalancer(options.balancer ?? "round-robin");
  const upstreams = new Map<string, Upstream>();

  const upstream = (service: string): Upstream => {
    let u = upstreams.get(service);
    if (u) return u;
    const p = { ...options.defaults, ...options.upstreams?.[service] };
    const inner: Policy[] = [];
    if (p.bulkhead !== false && p.bulkhead) inner.push(bulkhead(p.bulkhead));
    let breaker: CircuitBreaker | undefined;
    if (p.breaker !== false) {
      const name = `http:${service}`;
      breaker = options.breakers?.get(name);
      if (!breaker) {
        breaker = circuitBreaker({ clock, ...p.breaker, isFailure: countsForBreaker });
        options.breakers?.add(name, breaker, { upstream: service });
        breaker.name = name;
      }
      inner.push(breaker);
    }
    if (p.timeoutMs !== false) inner.push(timeout({ ms: p.timeoutMs ?? 5_000, clock }));
    const unsafe = wrap(...inner);
    const safe = p.retry === false ? unsafe : wrap(retry({ clock, ...p.retry }), ...inner);
    u = { safe, unsafe, breaker, countStatus: p.countStatus ?? defaultCount };
    upstreams.set(service, u);
    return u;
  };

  const request = (service: string, path: string, init: ClientRequestInit = {}): Promise<Response> => {
    const { context, signal: callerSignal, ...rest } = init;
    const u = upstream(service);
    const method = (init.method ?? "GET").toUpperCase();
    const credentials = options.credentials;
    const from = (context ?? requestContext.getStore())?.headers;
    // A caller's `Headers` is used as it is unless something must be added (then it is copied, never changed).
    let headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    if (
      headers === init.headers &&
      ((credentials && !headers.has("authorization")) || (from && propagates(headers, from)))
    )
      headers = new Headers(headers);
    propagate(headers, from);
    const authorized =
      !credentials || headers.has("authorization")
        ? undefined
        : credentials().then((value) => headers.set("authorization", value));
    const policy = isRetrySafe(method, headers, init.body) ? u.safe : u.unsafe;
    return policy.execute(
      async ({ signal }) => {
        if (authorized) await authorized;
        const instances = await options.discovery.resolve(service);
        if (instances.length === 0) throw new UpstreamUnavailableError(service);
        const target = balancer.pick(service, instances);
        balancer.acquire(target);
        try {
          let res: Response;
          try {
            res = await doFetch(joinUrl(target.url, path), { ...rest, method, headers, signal });
          } catch (e) {
            if (signal.aborted) throw signal.reason;
            throw new UpstreamNetworkError(service, target.id, e);
          }
          if (u.countStatus(res.status)) {
            await res.body?.cancel().catch(() => {});
            throw new UpstreamStatusError(
              service,
              res.status,
              parseRetryAfter(res.headers.get("retry-after")),
            );
          }
          return res;
        } finally {
          balancer.release(target);
        }
      },
      callerSignal ? { signal: callerSignal } : undefined,
    );
  };

  const tracing = options.tracing;
  const send = !tracing
    ? request
    : (service: string, path: string, init: ClientRequestInit = {}): Promise<Response> => {
        const method = (init.method ?? "GET").toUpperCase();
        const parent = (init.context ?? requestContext.getStore())?.headers;
        const attributes = {
          "http.request.method": method,
          "server.address": service,
          "url.path": path.split("?")[0],
        };
        return tracing.withClientSpan(
          method,
          (inject) => {
            const headers = new Headers(init.headers);
            inject(headers);
            return request(service, path, { ...init, headers });
          },
          { parent, attributes },
        );
      };

  return {
    request: send,
    fetch(input, init) {
      const url = typeof input === "string" ? new URL(input) : input;
      return send(url.hostname, `${url.pathname}${url.search}`, init);
    },
    breaker: (service) => upstreams.get(service)?.breaker,
  };
}

function joinUrl(base: string, path: string): string {
  return `${base.endsWith("/") ? base.slice(0, -1) : base}${path.startsWith("/") ? path : `/${path}`}`;
}
