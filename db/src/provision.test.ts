import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { redisKv } from "@diana/core/kv";
import { deleteRedisKeys, runKvConformance } from "@diana/core/kv/testing";
import { requireServer } from "@diana/core/testing";
import { RedisClient } from "bun";
import postgres from "postgres";
import { connect } from "./index";
import {
  MissingPasswordsError,
  passwordsFromEnv,
  pgPasswordVar,
  pgRoleOf,
  provision,
  provisionPostgres,
  provisionRedis,
  redisAclCommands,
  redisPasswordVar,
  redisUserOf,
  scramMatches,
  scramVerifier,
} from "./provision";
import { type ServiceName, serviceNames } from "./services";
import { createTestDatabase, requirePostgres, type TestDatabase } from "./testing";

const run = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
const secret = () => crypto.randomUUID().replaceAll("-", "");
const passwordsOf = () =>
  Object.fromEntries(serviceNames.map((s) => [s, secret()])) as Record<ServiceName, string>;
const codeOf = (error: unknown) => (error as { cause?: { code?: string } })?.cause?.code;

test("scram verifiers match only their password", () => {
  const v = scramVerifier("correct horse battery");
  expect(v).toStartWith("SCRAM-SHA-256$4096:");
  expect(scramMatches(v, "correct horse battery")).toBe(true);
  expect(scramMatches(v, "correct horse battery!")).toBe(false);
  expect(scramMatches(null, "x")).toBe(false);
  expect(scramMatches("md5abcdef", "x")).toBe(false);
});

test("missing, empty and short passwords are refused, every variable listed", () => {
  const env = {
    DIANA_PG_PASSWORD_TRADING: "long-enough-secret",
    DIANA_PG_PASSWORD_GATEWAY: "",
    DIANA_PG_PASSWORD_CONFIG: "short",
  };
  const error = (() => {
    try {
      passwordsFromEnv(env, pgPasswordVar);
    } catch (e) {
      return e;
    }
  })() as MissingPasswordsError;
  expect(error).toBeInstanceOf(MissingPasswordsError);
  const expected = serviceNames.filter((s) => s !== "trading").map(pgPasswordVar);
  expect(error.variables).toEqual(expected);
  for (const name of expected) expect(error.message).toContain(name);
  expect(error.message).not.toContain("DIANA_PG_PASSWORD_TRADING");
});

test("provision() checks the passwords of both parts before touching either server", async () => {
  const error = await provision({
    postgres: {
      adminUrl: "postgres://nobody@127.0.0.1:1/x",
      database: "x",
      passwords: { trading: "x".repeat(20) },
    },
    redis: { adminUrl: "redis://127.0.0.1:1", passwords: {} },
  }).catch((e) => e);
  expect(error).toBeInstanceOf(MissingPasswordsError);
  expect(error.variables).toHaveLength(10 + 11);
  expect(error.variables).toContain(redisPasswordVar("risk-guard"));
  expect(error.variables).toContain(pgPasswordVar("risk-guard"));
});

test("printed ACL commands carry password hashes, never the passwords", () => {
  const passwords = passwordsOf();
  const lines = redisAclCommands(passwords, { keyPrefix: "diana:" });
  expect(lines).toHaveLength(11);
  const gateway = lines.find((l) => l.startsWith("ACL SETUSER diana-gateway "))!;
  expect(gateway).toContain("~diana:gateway:*");
  expect(gateway).toContain("~diana:rl:*");
  expect(gateway).toContain("-@all");
  for (const p of Object.values(passwords)) expect(lines.join("\n")).not.toContain(p);
});

// ---------------------------------------------------------------------------------------------------------

const pg = await requirePostgres();
const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const rolePrefix = `dt${run}_`;

(pg.available ? describe : describe.skip)("postgres roles", () => {
  let testDb: TestDatabase;
  const passwords = passwordsOf();
  const roleUrl = (service: ServiceName) => {
    const url = new URL(testDb.url);
    url.username = pgRoleOf(service, rolePrefix);
    url.password = passwords[service];
    return url.toString();
  };
  const options = () => ({ adminUrl, database: testDb.name, passwords, rolePrefix });

  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb?.drop();
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      for (const s of serviceNames) await sql.unsafe(`drop role if exists "${pgRoleOf(s, rolePrefix)}"`);
      const left = await sql`select rolname from pg_roles where rolname like ${`${rolePrefix}%`}`;
      expect(left).toHaveLength(0);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  test("missing passwords are refused before any role exists", async () => {
    const { trading: _, ...rest } = passwords;
    const error = await provisionPostgres({ ...options(), passwords: rest }).catch((e) => e);
    expect(error).toBeInstanceOf(MissingPasswordsError);
    expect(error.variables).toEqual([pgPasswordVar("trading")]);
    const sql = postgres(adminUrl, { max: 1 });
    expect(await sql`select 1 from pg_roles where rolname like ${`${rolePrefix}%`}`).toHaveLength(0);
    await sql.end({ timeout: 5 });
  });

  test("first run creates every role and schema; the second changes nothing and says so", async () => {
    const lines: string[] = [];
    const first = await provisionPostgres({ ...options(), log: (l) => lines.push(l) });
    expect(first.changed).toBe(true);
    expect(first.services.map((s) => s.service)).toEqual(serviceNames);
    for (const s of first.services)
      expect(s.changes).toEqual(expect.arrayContaining(["created role", "created schema"]));
    expect(lines.filter((l) => l.startsWith("postgres ") && l.includes(rolePrefix))).toHaveLength(11);

    const again: string[] = [];
    const second = await provisionPostgres({ ...options(), log: (l) => again.push(l) });
    expect(second.changed).toBe(false);
    expect(second.shared).toEqual([]);
    for (const s of second.services) expect(s.changes).toEqual([]);
    expect(again.filter((l) => l.endsWith("unchanged"))).toHaveLength(11);

    const sql = postgres(testDb.url, { max: 1 });
    try {
      const owners =
        await sql`select nspname, pg_get_userbyid(nspowner) as owner from pg_namespace where nspname = 'risk_guard'`;
      expect([...owners]).toEqual([{ nspname: "risk_guard", owner: pgRoleOf("risk-guard", rolePrefix) }]);
      const [role] =
        await sql`select rolsuper, rolcreatedb, rolcreaterole, rolpassword from pg_authid where rolname = ${pgRoleOf("trading", rolePrefix)}`;
      expect(role).toMatchObject({ rolsuper: false, rolcreatedb: false, rolcreaterole: false });
      expect(scramMatches(role!.rolpassword, passwords.trading)).toBe(true);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  test("a changed password or widened role is put back, and only that is reported", async () => {
    const sql = postgres(testDb.url, { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`alter role "${pgRoleOf("scoring", rolePrefix)}" createdb`);
      await sql.unsafe(`grant create on database "${testDb.name}" to "${pgRoleOf("scoring", rolePrefix)}"`);
    } finally {
      await sql.end({ timeout: 5 });
    }
    const rotated = { ...passwords, config: secret() };
    const result = await provisionPostgres({ ...options(), passwords: rotated });
    const changed = Object.fromEntries(
      result.services.filter((s) => s.changes.length > 0).map((s) => [s.service, s.changes]),
    );
    expect(changed).toEqual({
      config: ["set password"],
      scoring: ["reset role attributes", "revoked CREATE on the database"],
    });
    await provisionPostgres(options()); // back to the suite's passwords
  });

  test("after an admin migrated a schema, provisioning hands its objects to the service's role", async () => {
    const admin = await connect({ url: testDb.url, max: 1 });
    try {
      await admin.migrate("trading");
      await admin.migrate("risk-guard");
    } finally {
      await admin.close();
    }
    const result = await provisionPostgres(options());
    const trading = result.services.find((s) => s.service === "trading")!;
    expect(trading.changes.join()).toMatch(/handed \d+ existing object\(s\)/);
    expect((await provisionPostgres(options())).changed).toBe(false);
  });

  test("a service role uses its own schema and is refused (42501) on another's, on public and on new schemas", async () => {
    const db = await connect({ url: roleUrl("trading"), max: 1 });
    try {
      const [{ n }] = (await db.sql`select count(*)::int as n from trading.__drizzle_migrations`) as [
        { n: number },
      ];
      expect(n).toBeGreaterThan(0);
      await db.sql`create table trading.provision_probe (id int primary key)`;
      await db.sql`insert into trading.provision_probe values (1)`;
      expect(await db.sql`select id from trading.provision_probe`).toEqual([{ id: 1 }]);
      await db.sql`drop table trading.provision_probe`;

      const refused = async (run: () => Promise<unknown>) => {
        const error = await run().then(
          () => undefined,
          (e) => e,
        );
        expect(error).toBeDefined();
        expect(codeOf(error)).toBe("42501");
      };
      await refused(() => db.sql`select * from risk_guard.__drizzle_migrations`);
      await refused(() => db.sql`insert into risk_guard.__drizzle_migrations (hash) values ('x')`);
      await refused(() => db.sql`create table risk_guard.intruder (id int)`);
      await refused(() => db.sql`drop table risk_guard.__drizzle_migrations`);
      await refused(() => db.sql`create table public.intruder (id int)`);
      await refused(() => db.sql`create schema intruder`);
      await refused(() => db.sql`create temporary table intruder (id int)`);
    } finally {
      await db.close();
    }
  });

  test("a service role migrates its own schema and owns every table it creates", async () => {
    const db = await connect({ url: roleUrl("monitor"), max: 1 });
    try {
      await db.migrate("monitor");
      await db.migrate("monitor");
      const tables = await db.sql<{ tableowner: string }>`
        select tableowner from pg_tables where schemaname = 'monitor'`;
      expect(tables.length).toBeGreaterThan(0);
      for (const t of tables) expect(t.tableowner).toBe(pgRoleOf("monitor", rolePrefix));
    } finally {
      await db.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------

const redisAdminUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redisServer = await requireServer(`Redis at ${new URL(redisAdminUrl).host}`, async () => {
  const client = new RedisClient(redisAdminUrl, { connectionTimeout: 1_000, autoReconnect: false });
  try {
    await client.send("PING", []);
  } finally {
    client.close();
  }
});
const userPrefix = `diana-t${run}-`;
const keyPrefix = `diana-test:${run}:`;
const redisPasswords = passwordsOf();
const redisUrlOf = (service: ServiceName) => {
  const url = new URL(redisAdminUrl);
  url.username = redisUserOf(service, userPrefix);
  url.password = redisPasswords[service];
  return url.toString();
};
const redisOptions = { adminUrl: redisAdminUrl, passwords: redisPasswords, keyPrefix, userPrefix };

if (redisServer.available) {
  beforeAll(async () => {
    await provisionRedis(redisOptions);
  });
  afterAll(async () => {
    const admin = new RedisClient(redisAdminUrl);
    try {
      for (const s of serviceNames) await admin.send("ACL", ["DELUSER", redisUserOf(s, userPrefix)]);
      await deleteRedisKeys(admin, keyPrefix);
      const users = (await admin.send("ACL", ["USERS"])) as string[];
      expect(users.filter((u) => u.startsWith(userPrefix))).toEqual([]);
    } finally {
      admin.close();
    }
  });
}

runKvConformance({
  name: "redis as a service's ACL user",
  skip: redisServer.reason,
  create: async () => redisKv({ url: redisUrlOf("registry"), keyPrefix: `${keyPrefix}registry:` }),
});

(redisServer.available ? describe : describe.skip)("redis ACL users", () => {
  test("a second run changes nothing and says so", async () => {
    const lines: string[] = [];
    const again = await provisionRedis({ ...redisOptions, log: (l) => lines.push(l) });
    expect(again.changed).toBe(false);
    expect(lines.filter((l) => l.endsWith("unchanged"))).toHaveLength(11);
  });

  test("the gateway's user rate-limits under rl: and its own area", async () => {
    const kv = redisKv({ url: redisUrlOf("gateway"), keyPrefix });
    try {
      const rule = { limit: 2, windowMs: 1_000 };
      expect((await kv.rateLimit(`rl:ip:${run}`, rule)).allowed).toBe(true);
      expect(await kv.set(`gateway:${run}`, "1")).toBe(true);
      await kv.ping();
    } finally {
      await kv.close();
    }
  });

  test("a user is refused (NOPERM) on another service's prefix and on commands outside the store's", async () => {
    const kv = redisKv({ url: redisUrlOf("registry"), keyPrefix });
    try {
      for (const key of [`trading:${run}`, `rl:ip:${run}`, `other:${run}`]) {
        await expect(kv.get(key)).rejects.toThrow(/NOPERM/);
        await expect(kv.set(key, "x")).rejects.toThrow(/NOPERM/);
        await expect(kv.incr(key)).rejects.toThrow(/NOPERM/);
      }
      await expect(kv.rateLimit(`rl:ip:${run}`, { limit: 1, windowMs: 1_000 })).rejects.toThrow(/NOPERM/);
    } finally {
      await kv.close();
    }
    const raw = new RedisClient(redisUrlOf("registry"), { autoReconnect: false });
    try {
      for (const [command, args] of [
        ["FLUSHDB", []],
        ["KEYS", ["*"]],
        ["CONFIG", ["GET", "*"]],
        ["ACL", ["LIST"]],
        ["SCRIPT", ["FLUSH"]],
        ["PUBLISH", ["c", "m"]],
      ] as const) {
        await expect(raw.send(command, [...args])).rejects.toThrow(/NOPERM/);
      }
    } finally {
      raw.close();
    }
  });

  test("a wrong password is refused", async () => {
    const url = new URL(redisUrlOf("registry"));
    url.password = "not-the-password";
    const kv = redisKv({ url: url.toString(), keyPrefix, connectionTimeoutMs: 1_000 });
    try {
      await expect(kv.get(`registry:${run}`)).rejects.toThrow();
    } finally {
      await kv.close();
    }
  });
});
