import type { Principal } from "@diana/core/auth";
import type { KeyValueStore, RateLimitResult, RateLimitRule } from "@diana/core/kv";
import { HttpError } from "@diana/core/service";

export interface RateLimitPolicy {
  /** Per signed-in user, over every route. Defaults to 600 per minute. */
  user?: RateLimitRule;
  /** Per client address for callers without a valid token. Defaults to 300 per minute. */
  ip?: RateLimitRule;
  /** Failed logins per user name. Defaults to 10 per 15 minutes. */
  failedLogins?: RateLimitRule;
  /** Failed logins per client address. Defaults to 50 per 15 minutes. */
  failedLoginsPerIp?: RateLimitRule;
}

export const RATE_LIMIT_DEFAULTS: Required<RateLimitPolicy> = {
  user: { limit: 600, windowMs: 60_000 },
  ip: { limit: 300, windowMs: 60_000 },
  failedLogins: { limit: 10, windowMs: 15 * 60_000 },
  failedLoginsPerIp: { limit: 50, windowMs: 15 * 60_000 },
};

/** `RateLimit-*` (IETF draft) and, when refused, `Retry-After`, in whole seconds. */
export function rateLimitHeaders(r: RateLimitResult): Record<string, string> {
  const headers: Record<string, string> = {
    "ratelimit-limit": String(r.limit),
    "ratelimit-remaining": String(r.remaining),
    "ratelimit-reset": String(Math.ceil(r.resetMs / 1000)),
  };
  if (!r.allowed) headers["retry-after"] = String(Math.max(1, Math.ceil(r.retryAfterMs / 1000)));
  return headers;
}

export class RateLimitedError extends HttpError {
  override readonly name = "RateLimitedError";
  constructor(r: RateLimitResult, what: string) {
    super(
      429,
      "RATE_LIMITED",
      `${what}; retry in ${Math.max(1, Math.ceil(r.retryAfterMs / 1000))} s`,
      rateLimitHeaders(r),
    );
  }
}

/** The gateway's limits over the key-value store: one bucket per user, else per address; failed logins. */
export function createRateLimits(kv: KeyValueStore, policy: RateLimitPolicy = {}) {
  const rules = { ...RATE_LIMIT_DEFAULTS, ...policy };
  return {
    /** Charges one request to the caller's bucket; the address is only looked up for anonymous callers. */
    request(principal: Principal | undefined, ip: string | (() => string)): Promise<RateLimitResult> {
      if (principal?.kind === "user") return kv.rateLimit(`rl:user:${principal.id}`, rules.user);
      if (principal?.kind === "service") return kv.rateLimit(`rl:svc:${principal.name}`, rules.user);
      return kv.rateLimit(`rl:ip:${typeof ip === "string" ? ip : ip()}`, rules.ip);
    },
    /** Refuses a login attempt while either its address or its user name has too many failures. */
    async loginAllowed(ip: string, username: string): Promise<void> {
      const [byIp, byName] = await Promise.all([
        kv.rateLimit(`rl:login-ip:${ip}`, rules.failedLoginsPerIp, { peek: true }),
        kv.rateLimit(`rl:login-user:${username.toLowerCase()}`, rules.failedLogins, { peek: true }),
      ]);
      const refused = [byIp, byName].find((r) => !r.allowed);
      if (refused) throw new RateLimitedError(refused, "too many failed logins");
    },
    /** Counts a failed login against the address and the user name. */
    async loginFailed(ip: string, username: string): Promise<void> {
      await Promise.all([
        kv.rateLimit(`rl:login-ip:${ip}`, rules.failedLoginsPerIp),
        kv.rateLimit(`rl:login-user:${username.toLowerCase()}`, rules.failedLogins),
      ]);
    },
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
