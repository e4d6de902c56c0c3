/**
 * Provisions least-privilege credentials: `bun run --cwd db provision [--print-redis]`.
 *
 * - `DIANA_PG_ADMIN_URL` set: a role `diana_<schema>` per service owning only its schema in `DIANA_PG_DATABASE`
 *   (default `diana`), passwords from `DIANA_PG_PASSWORD_<SERVICE>`.
 * - `DIANA_REDIS_ADMIN_URL` set: an ACL user `diana-<service>` per service limited to its key areas under
 *   `DIANA_KV_PREFIX` (default `diana:`), passwords from `DIANA_REDIS_PASSWORD_<SERVICE>`.
 * - `--print-redis`: print the `ACL SETUSER` lines (passwords as SHA-256) instead of applying them.
 *
 * Every password variable is checked before anything changes; a run that finds everything in place says so.
 */

import {
  MissingPasswordsError,
  passwordsFromEnv,
  pgPasswordVar,
  provisionPostgres,
  provisionRedis,
  redisAclCommands,
  redisPasswordVar,
} from "../src/provision";
import { serviceNames } from "../src/services";

const env = process.env;
const printRedis = process.argv.includes("--print-redis");
const pgAdmin = env.DIANA_PG_ADMIN_URL;
const redisAdmin = env.DIANA_REDIS_ADMIN_URL;
const keyPrefix = env.DIANA_KV_PREFIX || "diana:";

if (!pgAdmin && !redisAdmin && !printRedis) {
  console.error(
    "nothing to do: set DIANA_PG_ADMIN_URL (and DIANA_PG_DATABASE) and/or DIANA_REDIS_ADMIN_URL, or pass --print-redis",
  );
  process.exit(2);
}

try {
  // Every missing variable of every part at once, before touching anything.
  const missing: string[] = [];
  const collect = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof MissingPasswordsError)) throw error;
      missing.push(...error.variables);
      return undefined;
    }
  };
  const pgPasswords = pgAdmin ? collect(() => passwordsFromEnv(env, pgPasswordVar)) : undefined;
  const redisPasswords =
    redisAdmin || printRedis ? collect(() => passwordsFromEnv(env, redisPasswordVar)) : undefined;
  if (missing.length > 0) throw new MissingPasswordsError(missing);

  const log = (line: string) => console.log(line);
  let changed = false;
  if (pgAdmin && pgPasswords) {
    const result = await provisionPostgres({
      adminUrl: pgAdmin,
      database: env.DIANA_PG_DATABASE || "diana",
      passwords: pgPasswords,
      log,
    });
    changed ||= result.changed;
  }
  if (printRedis && redisPasswords) {
    for (const line of redisAclCommands(redisPasswords, { keyPrefix })) console.log(line);
  } else if (redisAdmin && redisPasswords) {
    const result = await provisionRedis({ adminUrl: redisAdmin, passwords: redisPasswords, keyPrefix, log });
    changed ||= result.changed;
  }
  if (!printRedis || pgAdmin) {
    console.log(
      changed
        ? `provisioned ${serviceNames.length} services`
        : `nothing to change: all ${serviceNames.length} services already provisioned`,
    );
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(error instanceof MissingPasswordsError ? 2 : 1);
}
