/**
 * Redis half of provisioning: an ACL user `diana-<service>` per service limited to its key areas and to
 * the commands the key-value store sends (seed audit M7).
 */
import { createHash } from "node:crypto";
import { RedisClient } from "bun";
import { type ServiceName, serviceNames } from "../services";
import {
  logOutcome,
  MissingPasswordsError,
  type ProvisionReport,
  redisPasswordVar,
  report,
  type ServiceOutcome,
} from "./common";

/**
 * The key areas (after `DIANA_KV_PREFIX`) each service may touch. Every service gets `<service>:`; the
 * gateway's rate limiter writes under `rl:` (services/gateway/src/edge/rate-limits.ts) and the registry under
 * `registry:` (domain/instance-store.ts, domain/reconciler.ts).
 */
export const kvAreas: Record<ServiceName, readonly string[]> = Object.fromEntries(
  serviceNames.map((s) => [s, s === "gateway" ? [`${s}:`, "rl:"] : [`${s}:`]]),
) as unknown as Record<ServiceName, readonly string[]>;

/**
 * Commands core/src/kv/redis.ts sends, and those its Lua scripts call (scripts run under the caller's ACL,
 * keys included): GET MGET SET DEL PTTL SCAN EVAL PING at top level; EXISTS INCRBY PEXPIRE TIME in scripts.
 * EVALSHA for clients that cache scripts; SELECT for URLs with a database number. HELLO and AUTH are always
 * allowed. Nothing else: no FLUSH*, KEYS, CONFIG, DEBUG, SCRIPT, FUNCTION, MODULE, ACL, pub/sub.
 */
export const KV_COMMANDS = [
  "get",
  "mget",
  "set",
  "del",
  "exists",
  "incrby",
  "pexpire",
  "pttl",
  "scan",
  "eval",
  "evalsha",
  "ping",
  "time",
  "select",
] as const;

/** A Redis glob with the prefix's own glob characters escaped. */
const globLiteral = (text: string) => text.replace(/[\\*?[\]^]/g, "\\$&");

/** Options for {@link redisAclRules} and {@link provisionRedis}. */
export interface RedisAclOptions {
  /** `DIANA_KV_PREFIX`. Defaults to `"diana:"`. */
  keyPrefix?: string;
  /** Users are `<userPrefix><service>`. Defaults to `"diana-"`. */
  userPrefix?: string;
}

/** The ACL user of a service: `diana-risk-guard`. */
export const redisUserOf = (service: ServiceName, userPrefix = "diana-") => `${userPrefix}${service}`;

/**
 * The `ACL SETUSER` arguments (after the user name) for a service. `reset` first, so the rules are the whole
 * truth; the password goes as its SHA-256 (`#…`), so the command can be printed and logged.
 */
export function redisAclRules(
  service: ServiceName,
  password: string,
  options: RedisAclOptions = {},
): string[] {
  const prefix = options.keyPrefix ?? "diana:";
  return [
    "reset",
    "on",
    `#${createHash("sha256").update(password).digest("hex")}`,
    ...kvAreas[service].map((area) => `~${globLiteral(prefix + area)}*`),
    "resetchannels",
    "-@all",
    ...KV_COMMANDS.map((c) => `+${c}`),
  ];
}

/** `ACL SETUSER …` lines for redis-cli or an ACL file's equivalent, passwords hashed. */
export function redisAclCommands(
  passwords: Partial<Record<ServiceName, string>>,
  options: RedisAclOptions & { services?: readonly ServiceName[] } = {},
): string[] {
  return (options.services ?? serviceNames).map((service) =>
    [
      "ACL",
      "SETUSER",
      redisUserOf(service, options.userPrefix),
      ...redisAclRules(service, passwords[service]!, options),
    ]
      .map((part) => (/^[\w:#~+\-@.*\\]+$/.test(part) ? part : `'${part.replaceAll("'", "'\\''")}'`))
      .join(" "),
  );
}

/** Options for {@link provisionRedis}. */
export interface RedisProvisionOptions extends RedisAclOptions {
  /** An admin URL (a user allowed `ACL`). */
  adminUrl: string;
  passwords: Partial<Record<ServiceName, string>>;
  services?: readonly ServiceName[];
  log?: (line: string) => void;
}

/** Creates or resets each service's ACL user. Idempotent: reports `unchanged` when `ACL GETUSER` is the same. */
export async function provisionRedis(options: RedisProvisionOptions): Promise<ProvisionReport> {
  const log = options.log ?? (() => {});
  const services = options.services ?? serviceNames;
  const missing = services.filter((s) => !options.passwords[s]).map(redisPasswordVar);
  if (missing.length > 0) throw new MissingPasswordsError(missing);
  const client = new RedisClient(options.adminUrl, { connectionTimeout: 5_000, autoReconnect: false });
  const outcomes: ServiceOutcome[] = [];
  try {
    log(`redis ${new URL(options.adminUrl).host}`);
    for (const service of services) {
      const user = redisUserOf(service, options.userPrefix);
      const before = await client.send("ACL", ["GETUSER", user]);
      await client.send("ACL", [
        "SETUSER",
        user,
        ...redisAclRules(service, options.passwords[service]!, options),
      ]);
      const after = await client.send("ACL", ["GETUSER", user]);
      const changes =
        before === null ? ["created ACL user"] : Bun.deepEquals(before, after) ? [] : ["updated ACL user"];
      const outcome = { service, principal: user, changes };
      outcomes.push(outcome);
      logOutcome(log, "redis   ", outcome);
    }
  } finally {
    client.close();
  }
  return report(outcomes, []);
}
