/** A rate: at most `limit` requests per `windowMs`, as a burst or spread out. */
export interface RateLimitRule {
  /** Requests allowed per window (also the largest burst). */
  limit: number;
  windowMs: number;
}

export interface RateLimitOptions {
  /** Units this request uses. Defaults to 1. */
  cost?: number;
  /** Only report whether one unit would be admitted; consume nothing. */
  peek?: boolean;
}

/** The verdict, with what `RateLimit-*` and `Retry-After` headers need. */
export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Units still available right after this request. */
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
  /** When refused: milliseconds until the request would be admitted; 0 when allowed. */
  retryAfterMs: number;
}

/** Checks a rule and its options; returns the emission interval (ms per unit). */
export function checkRule(rule: RateLimitRule, options: RateLimitOptions = {}): number {
  if (!Number.isInteger(rule.limit) || rule.limit < 1)
    throw new RangeError(`limit must be a positive integer (got ${rule.limit})`);
  if (!Number.isFinite(rule.windowMs) || rule.windowMs <= 0)
    throw new RangeError(`windowMs must be positive (got ${rule.windowMs})`);
  const cost = options.cost ?? 1;
  if (!Number.isInteger(cost) || cost < 1)
    throw new RangeError(`cost must be a positive integer (got ${cost})`);
  return rule.windowMs / rule.limit;
}

// Float noise must not cost a unit: 0.999999 of a unit still counts as one.
const EPSILON = 1e-6;

/**
 * GCRA — the generic cell rate algorithm, a token bucket kept as one number: the theoretical arrival
 * time (`tat`) of the next request. Both adapters run exactly this arithmetic (Redis in Lua, with
 * Redis's own `TIME`). Returns the verdict and the new `tat` to store (undefined: store nothing).
 */
export function gcra(
  storedTat: number | null,
  now: number,
  rule: RateLimitRule,
  options: RateLimitOptions = {},
): { result: RateLimitResult; tat?: number } {
  const interval = checkRule(rule, options);
  const cost = options.peek ? 1 : (options.cost ?? 1);
  const tat = Math.max(storedTat ?? now, now);
  const next = tat + interval * cost;
  const allowAt = next - rule.windowMs;
  if (allowAt > now + EPSILON) {
    return {
      result: {
        allowed: false,
        limit: rule.limit,
        remaining: Math.max(0, Math.floor((rule.windowMs - (tat - now)) / interval + EPSILON)),
        resetMs: tat - now,
        retryAfterMs: allowAt - now,
      },
    };
  }
  const debt = options.peek ? tat - now : next - now;
  return {
    result: {
      allowed: true,
      limit: rule.limit,
      remaining: Math.floor((rule.windowMs - debt) / interval + EPSILON),
      resetMs: debt,
      retryAfterMs: 0,
    },
    tat: options.peek ? undefined : next,
  };
}

/** The same GCRA as one Lua script: reads `TIME`, the stored `tat`, and writes the new one atomically. */
export const GCRA_LUA = `local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local peek = ARGV[4] == '1'
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = window / limit
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if peek then cost = 1 end
local nxt = tat + interval * cost
local allow_at = nxt - window
if allow_at > now + 1e-6 then
  local remaining = math.floor((window - (tat - now)) / interval + 1e-6)
  if remaining < 0 then remaining = 0 end
  return {0, remaining, tostring(tat - now), tostring(allow_at - now)}
end
local debt = nxt - now
if peek then debt = tat - now else
  redis.call('SET', KEYS[1], string.format('%.3f', nxt), 'PX', math.ceil(debt))
end
return {1, math.floor((window - debt) / interval + 1e-6), tostring(debt), '0'}`;
