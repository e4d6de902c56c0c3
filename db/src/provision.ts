/**
 * Least-privilege credentials for the eleven services (seed audit M1, M7).
 *
 * Postgres: a login role `diana_<schema>` per service that owns its schema and every object in it, holds
 * CONNECT on the one database and nothing else; PUBLIC loses CONNECT and TEMPORARY on the database and
 * CREATE on `public`. Redis: an ACL user `diana-<service>` per service limited to its key areas and to the
 * commands the key-value store sends. Passwords come from the environment, never from defaults.
 */

import {
  MissingPasswordsError,
  type ProvisionReport,
  pgPasswordVar,
  redisPasswordVar,
} from "./provision/common";
import { type PostgresProvisionOptions, provisionPostgres } from "./provision/postgres";
import { provisionRedis, type RedisProvisionOptions } from "./provision/redis";
import { type ServiceName, serviceNames } from "./services";

export {
  MIN_PASSWORD_LENGTH,
  MissingPasswordsError,
  type ProvisionReport,
  passwordsFromEnv,
  pgPasswordVar,
  redisPasswordVar,
  type ServiceOutcome,
} from "./provision/common";
export * from "./provision/postgres";
export * from "./provision/redis";

/** Options for {@link provision}: either part may be left out. */
export interface ProvisionOptions {
  postgres?: Omit<PostgresProvisionOptions, "log" | "services">;
  redis?: Omit<RedisProvisionOptions, "log" | "services">;
  services?: readonly ServiceName[];
  log?: (line: string) => void;
}

/** Provisions Postgres roles and Redis ACL users; checks every password of both first. */
export async function provision(
  options: ProvisionOptions,
): Promise<{ postgres?: ProvisionReport; redis?: ProvisionReport }> {
  const services = options.services ?? serviceNames;
  const missing = [
    ...(options.postgres ? services.filter((s) => !options.postgres!.passwords[s]).map(pgPasswordVar) : []),
    ...(options.redis ? services.filter((s) => !options.redis!.passwords[s]).map(redisPasswordVar) : []),
  ];
  if (missing.length > 0) throw new MissingPasswordsError(missing);
  return {
    postgres:
      options.postgres && (await provisionPostgres({ ...options.postgres, services, log: options.log })),
    redis: options.redis && (await provisionRedis({ ...options.redis, services, log: options.log })),
  };
}
