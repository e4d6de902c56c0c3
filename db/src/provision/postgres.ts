/**
 * Postgres half of provisioning: a login role `diana_<schema>` per service that owns its schema and every
 * object in it, holds CONNECT on the one database and nothing else; PUBLIC loses CONNECT and TEMPORARY on
 * the database and CREATE on `public` (seed audit M1).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import postgres from "postgres";
import { describeUrl } from "../postgres";
import { pgSchemaOf, type ServiceName, serviceNames } from "../services";
import {
  logOutcome,
  MissingPasswordsError,
  type ProvisionReport,
  pgPasswordVar,
  report,
  type ServiceOutcome,
} from "./common";

/** Options for {@link provisionPostgres}. */
export interface PostgresProvisionOptions {
  /** A superuser (or CREATEROLE + database owner) URL on the server; its database part is ignored. */
  adminUrl: string;
  /** The database the services share. Created when missing. */
  database: string;
  /** One password per provisioned service. */
  passwords: Partial<Record<ServiceName, string>>;
  /** Roles are `<rolePrefix><schema>`. Defaults to `"diana_"`. */
  rolePrefix?: string;
  /** Defaults to all eleven. */
  services?: readonly ServiceName[];
  log?: (line: string) => void;
}

/** The login role of a service: `diana_risk_guard`. */
export const pgRoleOf = (service: ServiceName, rolePrefix = "diana_") =>
  `${rolePrefix}${pgSchemaOf(service)}`;

const SCRAM_ITERATIONS = 4096;
const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();

/** A SCRAM-SHA-256 verifier as Postgres stores it, so the plain password never reaches the server or its logs. */
export function scramVerifier(
  password: string,
  salt = randomBytes(16),
  iterations = SCRAM_ITERATIONS,
): string {
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const storedKey = createHash("sha256").update(hmac(salted, "Client Key")).digest();
  const serverKey = hmac(salted, "Server Key");
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** Whether a stored `rolpassword` is the SCRAM verifier of `password`. */
export function scramMatches(stored: string | null, password: string): boolean {
  const m = stored?.match(/^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/);
  if (!m) return false;
  const expected = scramVerifier(password, Buffer.from(m[2]!, "base64"), Number(m[1]));
  return expected.length === stored!.length && timingSafeEqual(Buffer.from(expected), Buffer.from(stored!));
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Role attributes a service role must have (anything else is taken away). */
const ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT";

/**
 * Creates or corrects each service's role and schema in `database`, and locks PUBLIC out. Idempotent: a
 * second run reports no changes. Objects already in a schema (e.g. migrated by an admin before) are handed
 * to the service's role.
 */
export async function provisionPostgres(options: PostgresProvisionOptions): Promise<ProvisionReport> {
  const log = options.log ?? (() => {});
  const services = options.services ?? serviceNames;
  const missing = services.filter((s) => !options.passwords[s]).map(pgPasswordVar);
  if (missing.length > 0) throw new MissingPasswordsError(missing);
  const shared: string[] = [];

  const serverSql = postgres(options.adminUrl, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    const [exists] = await serverSql`select 1 from pg_database where datname = ${options.database}`;
    if (!exists) {
      await serverSql.unsafe(`create database ${ident(options.database)}`);
      shared.push(`created database ${options.database}`);
    }
  } finally {
    await serverSql.end({ timeout: 5 });
  }

  const url = new URL(options.adminUrl);
  url.pathname = `/${options.database}`;
  const sql = postgres(url.toString(), { max: 1, connect_timeout: 10, onnotice: () => {} });
  log(`postgres ${describeUrl(url.toString())}`);
  const outcomes: ServiceOutcome[] = [];
  try {
    const db = ident(options.database);
    // PUBLIC: no CONNECT/TEMPORARY on the database, no CREATE on `public` (PG ≥ 15 already drops the latter).
    const [dbAcl] = await sql`
      select
        bool_or(a.privilege_type = 'CONNECT') as connect,
        bool_or(a.privilege_type = 'TEMPORARY') as temp
      from pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
      where d.datname = ${options.database} and a.grantee = 0`;
    if (dbAcl?.connect || dbAcl?.temp) {
      await sql.unsafe(`revoke connect, temporary on database ${db} from public`);
      shared.push("revoked CONNECT, TEMPORARY on the database from PUBLIC");
    }
    const [publicCreate] = await sql`
      select 1 from pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
      where n.nspname = 'public' and a.grantee = 0 and a.privilege_type = 'CREATE'`;
    if (publicCreate) {
      await sql.unsafe("revoke create on schema public from public");
      shared.push("revoked CREATE on schema public from PUBLIC");
    }
    for (const line of shared) log(`postgres (database) ${line}`);

    for (const service of services) {
      const outcome = await provisionService(sql, options, service);
      outcomes.push(outcome);
      logOutcome(log, "postgres", outcome);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  return report(outcomes, shared);
}

async function provisionService(
  sql: postgres.Sql,
  options: PostgresProvisionOptions,
  service: ServiceName,
): Promise<ServiceOutcome> {
  const role = pgRoleOf(service, options.rolePrefix);
  const schema = pgSchemaOf(service);
  const password = options.passwords[service]!;
  const changes: string[] = [];
  const r = ident(role);
  const s = ident(schema);

  // Role: exists, attributes exactly the service's, password current.
  const [current] = await sql`
    select rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolinherit, rolpassword
    from pg_authid where rolname = ${role}`;
  if (!current) {
    await sql.unsafe(`create role ${r} ${ROLE_ATTRIBUTES} password ${literal(scramVerifier(password))}`);
    changes.push("created role");
  } else {
    const attrsOk =
      current.rolcanlogin &&
      current.rolinherit &&
      !current.rolsuper &&
      !current.rolcreatedb &&
      !current.rolcreaterole &&
      !current.rolreplication &&
      !current.rolbypassrls;
    if (!attrsOk) {
      await sql.unsafe(`alter role ${r} ${ROLE_ATTRIBUTES}`);
      changes.push("reset role attributes");
    }
    if (!scramMatches(current.rolpassword, password)) {
      await sql.unsafe(`alter role ${r} password ${literal(scramVerifier(password))}`);
      changes.push("set password");
    }
  }

  // Membership in another role would widen it; a service role belongs to none.
  const memberOf = await sql`
    select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid
    join pg_roles u on u.oid = m.member where u.rolname = ${role}`;
  for (const { rolname } of memberOf) {
    await sql.unsafe(`revoke ${ident(rolname)} from ${r}`);
    changes.push(`revoked membership in ${rolname}`);
  }

  // The database: CONNECT only.
  const dbPrivs = await sql`
    select a.privilege_type from pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
    join pg_roles g on g.oid = a.grantee where d.datname = ${options.database} and g.rolname = ${role}`;
  const held = new Set(dbPrivs.map((p) => p.privilege_type as string));
  const extra = [...held].filter((p) => p !== "CONNECT");
  if (extra.length > 0) {
    await sql.unsafe(`revoke ${extra.join(", ")} on database ${ident(options.database)} from ${r}`);
    changes.push(`revoked ${extra.join(", ")} on the database`);
  }
  if (!held.has("CONNECT")) {
    await sql.unsafe(`grant connect on database ${ident(options.database)} to ${r}`);
    changes.push("granted CONNECT on the database");
  }

  // The schema, owned by the role.
  const [ns] = await sql`
    select pg_get_userbyid(nspowner) as owner from pg_namespace where nspname = ${schema}`;
  if (!ns) {
    await sql.unsafe(`create schema ${s} authorization ${r}`);
    changes.push("created schema");
  } else if (ns.owner !== role) {
    await sql.unsafe(`alter schema ${s} owner to ${r}`);
    changes.push(`schema owner ${ns.owner} → ${role}`);
  }

  // Objects in the schema someone else created (an admin's migration run): the role owns them all.
  // Sequences owned by a column follow their table, so they are left to ALTER TABLE.
  const relations = await sql`
    select c.relname, c.relkind from pg_class c
    where c.relnamespace = ${schema}::regnamespace and c.relowner <> ${role}::regrole
      and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
      and not (c.relkind = 'S' and exists (
        select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')))
    order by c.relkind <> 'S', c.relname`;
  const kindWord: Record<string, string> = {
    r: "table",
    p: "table",
    f: "foreign table",
    v: "view",
    m: "materialized view",
    S: "sequence",
  };
  for (const { relname, relkind } of relations) {
    await sql.unsafe(`alter ${kindWord[relkind]} ${s}.${ident(relname)} owner to ${r}`);
  }
  const types = await sql`
    select t.typname from pg_type t
    where t.typnamespace = ${schema}::regnamespace and t.typowner <> ${role}::regrole and t.typtype in ('e', 'd')`;
  for (const { typname } of types) await sql.unsafe(`alter type ${s}.${ident(typname)} owner to ${r}`);
  const routines = await sql`
    select p.oid::regprocedure::text as signature from pg_proc p
    where p.pronamespace = ${schema}::regnamespace and p.proowner <> ${role}::regrole`;
  for (const { signature } of routines) await sql.unsafe(`alter routine ${signature} owner to ${r}`);
  const handed = relations.length + types.length + routines.length;
  if (handed > 0) changes.push(`handed ${handed} existing object(s) to the role`);

  return { service, principal: role, changes };
}
