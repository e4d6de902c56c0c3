/** What both halves of provisioning share: the password variables and the report of what was done. */
import { type ServiceName, serviceNames } from "../services";

/** Shortest password accepted for a service. */
export const MIN_PASSWORD_LENGTH = 12;

/** `DIANA_PG_PASSWORD_RISK_GUARD` for `risk-guard`. */
export const pgPasswordVar = (service: ServiceName) => `DIANA_PG_PASSWORD_${envSuffix(service)}`;
/** `DIANA_REDIS_PASSWORD_RISK_GUARD` for `risk-guard`. */
export const redisPasswordVar = (service: ServiceName) => `DIANA_REDIS_PASSWORD_${envSuffix(service)}`;
const envSuffix = (service: ServiceName) => service.toUpperCase().replaceAll("-", "_");

/** Thrown before anything is changed when a password variable is unset, empty or too short; names each. */
export class MissingPasswordsError extends Error {
  readonly code = "PROVISION_MISSING_PASSWORDS";
  constructor(readonly variables: string[]) {
    super(
      `refusing to provision: set ${variables.length} password variable(s) (each ≥ ${MIN_PASSWORD_LENGTH} characters, no defaults): ${variables.join(", ")}`,
    );
    this.name = "MissingPasswordsError";
  }
}

/** Reads one password per service from `env`; throws {@link MissingPasswordsError} listing every gap. */
export function passwordsFromEnv(
  env: Record<string, string | undefined>,
  varOf: (service: ServiceName) => string,
  services: readonly ServiceName[] = serviceNames,
): Record<ServiceName, string> {
  const missing: string[] = [];
  const passwords = {} as Record<ServiceName, string>;
  for (const service of services) {
    const value = env[varOf(service)];
    if (!value || value.length < MIN_PASSWORD_LENGTH) missing.push(varOf(service));
    else passwords[service] = value;
  }
  if (missing.length > 0) throw new MissingPasswordsError(missing);
  return passwords;
}

/** What one service's provisioning did; `changes` is empty when everything already was as wanted. */
export interface ServiceOutcome {
  service: ServiceName;
  /** The role or ACL user. */
  principal: string;
  changes: string[];
}

/** The outcome of a run: `changed` is false when a run found everything in place. */
export interface ProvisionReport {
  services: ServiceOutcome[];
  /** Database-wide changes (PUBLIC's privileges, the database itself). */
  shared: string[];
  changed: boolean;
}

export const report = (services: ServiceOutcome[], shared: string[]): ProvisionReport => ({
  services,
  shared,
  changed: shared.length > 0 || services.some((s) => s.changes.length > 0),
});

export const logOutcome = (log: (line: string) => void, kind: string, o: ServiceOutcome) =>
  log(
    `${kind} ${o.service.padEnd(13)} ${o.principal.padEnd(24)} ${o.changes.length === 0 ? "unchanged" : o.changes.join("; ")}`,
  );
