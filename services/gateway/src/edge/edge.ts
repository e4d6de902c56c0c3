import type { Principal } from "@diana/core/auth";
import { Elysia } from "elysia";
import { cors } from "./cors";
import { RateLimitedError, type RateLimits, rateLimitHeaders } from "./rate-limits";

export interface EdgeOptions {
  limits: RateLimits;
  ipOf: (request: Request) => string;
  /** Origins allowed to call cross-origin (exact, e.g. `https://console.example`). Defaults to none. */
  corsOrigins?: readonly string[];
}

/** Paths whose requests are charged to a rate-limit bucket: the proxied APIs and the auth routes. */
const LIMITED = /^\/(api|auth)\//;

/**
 * The gateway's edge hooks for every route: CORS first (before any work), then — once the service kit
 * knows who is calling — a rate-limit charge with `RateLimit-*` headers, 429 and `Retry-After` when
 * the bucket is empty.
 */
export function edge(options: EdgeOptions) {
  const origins = options.corsOrigins ?? [];
  return new Elysia({ name: "gateway:edge" })
    .onRequest(({ request, set }) => {
      const verdict = cors(request, origins);
      if (verdict instanceof Response) return verdict;
      Object.assign(set.headers, verdict);
    })
    .onBeforeHandle({ as: "global" }, async (ctx) => {
      const { request, route, set } = ctx;
      if (!LIMITED.test(route)) return;
      const principal = (ctx as { principal?: Principal }).principal;
      const verdict = await options.limits.request(principal, () => options.ipOf(request));
      Object.assign(set.headers, rateLimitHeaders(verdict));
      if (!verdict.allowed) throw new RateLimitedError(verdict, "rate limit reached");
    });
}
