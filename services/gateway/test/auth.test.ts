import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ACCESS_TOKEN_TYPE } from "@diana/core/auth";
import { memoryKv } from "@diana/core/kv";
import { json, testPlatformDeps } from "@diana/core/testing";
import { connect, type Database } from "@diana/db";
import { createTestDatabase, requirePostgres, type TestDatabase } from "@diana/db/testing";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { createApp } from "../src/app";
import { createIdentity } from "../src/domain/identity/identity";
import { clientIp } from "../src/edge/client-ip";

const pg = await requirePostgres();
const suite = pg.reason ? describe.skip : describe;
const ADMIN_PASSWORD = `admin-${crypto.randomUUID()}`;

let testDb: TestDatabase;
let database: Database;
let app: ReturnType<typeof createApp>["app"];
let gateway: ReturnType<typeof createApp>;

const call = (path: string, init: RequestInit & { json?: unknown } = {}) => {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  return app.handle(
    new Request(`http://gw.local${path}`, {
      ...init,
      headers,
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
    }),
  );
};
const login = async (username: string, password: string, session: "cookie" | "token" = "token") =>
  call("/auth/login", { method: "POST", json: { username, password, session } });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

suite("gateway identity", () => {
  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await connect({ url: testDb.url });
    await database.migrate("gateway");
    gateway = createApp({
      ...testPlatformDeps(),
      database,
      kv: memoryKv(),
      discovery: { resolve: async () => [] },
      identity: { adminPassword: ADMIN_PASSWORD, publishLeadMs: 0, announce: () => {} },
      rateLimits: { failedLogins: { limit: 5, windowMs: 60_000 } },
      corsOrigins: ["https://console.example"],
    });
    app = gateway.app;
    app.get("/boom", () => {
      throw new Error("secret detail /srv/x.ts:1");
    });
    await waitReady();
  }, 30_000);

  async function waitReady() {
    const res = await call("/health/ready");
    if (res.status !== 200) throw new Error(`not ready: ${await res.text()}`);
  }

  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  test("login issues an EdDSA access token with iss, aud, exp, nbf, typ and a published kid", async () => {
    const res = await login("admin", ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await json(res);
    expect(body).toMatchObject({
      tokenType: "Bearer",
      expiresIn: 300,
      user: { username: "admin", role: "admin" },
    });
    const header = decodeProtectedHeader(body.accessToken);
    expect(header).toMatchObject({ alg: "EdDSA", typ: ACCESS_TOKEN_TYPE });
    const jwks = await json(call("/.well-known/jwks.json"));
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
    for (const k of jwks.keys) expect(k).not.toHaveProperty("d");
    const { payload } = await jwtVerify(body.accessToken, createLocalJWKSet(jwks), {
      algorithms: ["EdDSA"],
      issuer: "diana:gateway",
      audience: "diana:api",
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.nbf).toBeDefined();
    expect(payload.role).toBe("admin");
    expect((await json(call("/auth/me", { headers: bearer(body.accessToken) }))).role).toBe("admin");
  });

  test("a wrong password and an unknown user get the same 401", async () => {
    const wrong = await login("admin", "not-the-password");
    const unknown = await login("nobody", "not-the-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await json(wrong)).detail).toBe((await json(unknown)).detail);
  });

  test("refresh rotates the token; reusing the old one revokes the whole family", async () => {
    const first = await json(login("admin", ADMIN_PASSWORD));
    const second = await json(
      call("/auth/refresh", { method: "POST", json: { refreshToken: first.refreshToken } }),
    );
    expect(second.refreshToken).toBeString();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const reuse = await call("/auth/refresh", { method: "POST", json: { refreshToken: first.refreshToken } });
    expect(reuse.status).toBe(401);
    expect((await json(reuse)).code).toBe("INVALID_REFRESH_TOKEN");
    const successor = await call("/auth/refresh", {
      method: "POST",
      json: { refreshToken: second.refreshToken },
    });
    expect(successor.status).toBe(401);
  });

  test("the browser session keeps the refresh token in an HttpOnly cookie scoped to /auth; logout ends it", async () => {
    const res = await login("admin", ADMIN_PASSWORD, "cookie");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/auth");
    expect((await json(res)).refreshToken).toBeUndefined();
    const pair = cookie.split(";")[0]!;
    const refreshed = await call("/auth/refresh", { method: "POST", headers: { cookie: pair } });
    expect(refreshed.status).toBe(200);
    const next = refreshed.headers.get("set-cookie")!.split(";")[0]!;
    const out = await call("/auth/logout", { method: "POST", headers: { cookie: next } });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await call("/auth/refresh", { method: "POST", headers: { cookie: next } })).status).toBe(401);
  });

  test("key rotation keeps earlier tokens valid and signs new ones with the new key", async () => {
    const before = (await json(login("admin", ADMIN_PASSWORD))).accessToken;
    const rotated = await json(call("/auth/keys/rotate", { method: "POST", headers: bearer(before) }));
    expect(rotated.kid).toBeString();
    const after = (await json(login("admin", ADMIN_PASSWORD))).accessToken;
    expect(decodeProtectedHeader(after).kid).toBe(rotated.kid);
    expect(decodeProtectedHeader(before).kid).not.toBe(rotated.kid);
    expect((await call("/auth/me", { headers: bearer(before) })).status).toBe(200);
    expect((await call("/auth/me", { headers: bearer(after) })).status).toBe(200);
    expect((await json(call("/.well-known/jwks.json"))).keys.length).toBeGreaterThanOrEqual(2);
  });

  test("admins manage users; other roles may not; the last admin cannot be removed", async () => {
    const admin = (await json(login("admin", ADMIN_PASSWORD))).accessToken;
    const created = await call("/auth/users", {
      method: "POST",
      headers: bearer(admin),
      json: { username: "olga", password: "operator-password-1", role: "operator" },
    });
    expect(created.status).toBe(201);
    const olga = await json(created);
    expect(olga).not.toHaveProperty("passwordHash");
    const dup = await call("/auth/users", {
      method: "POST",
      headers: bearer(admin),
      json: { username: "olga", password: "operator-password-1", role: "viewer" },
    });
    expect(dup.status).toBe(409);
    const operator = (await json(login("olga", "operator-password-1"))).accessToken;
    expect((await call("/auth/users", { headers: bearer(operator) })).status).toBe(403);
    expect((await call("/auth/users")).status).toBe(401);
    const weak = await call("/auth/users", {
      method: "POST",
      headers: bearer(admin),
      json: { username: "weak", password: "short", role: "viewer" },
    });
    expect(weak.status).toBe(400);
    const demoted = await call(`/auth/users/${olga.id}`, {
      method: "PATCH",
      headers: bearer(admin),
      json: { role: "viewer" },
    });
    expect((await json(demoted)).role).toBe("viewer");
    expect((await call(`/auth/users/${olga.id}`, { method: "DELETE", headers: bearer(admin) })).status).toBe(
      204,
    );
    const me = await json(call("/auth/me", { headers: bearer(admin) }));
    const last = await call(`/auth/users/${me.id}`, { method: "DELETE", headers: bearer(admin) });
    expect(last.status).toBe(409);
    expect((await json(last)).code).toBe("LAST_ADMIN");
  });

  test("failed logins are counted per user name: after the limit even the right password gets 429", async () => {
    const admin = (await json(login("admin", ADMIN_PASSWORD))).accessToken;
    await call("/auth/users", {
      method: "POST",
      headers: bearer(admin),
      json: { username: "victim", password: "victim-password-1", role: "viewer" },
    });
    for (let i = 0; i < 5; i++) expect((await login("victim", `guess-${i}`)).status).toBe(401);
    const locked = await login("victim", "victim-password-1");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(locked.headers.get("ratelimit-remaining")).toBe("0");
  });

  test("security headers are on every response: 200, 401, 404, 405, 500", async () => {
    const admin = (await json(login("admin", ADMIN_PASSWORD))).accessToken;
    const responses = [
      await call("/health/live"),
      await call("/auth/me"),
      await call("/nope/nothing", { method: "POST" }),
      await call("/auth/login", { method: "DELETE" }),
      await call("/boom", { headers: bearer(admin) }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 401, 404, 405, 500]);
    expect(responses[3]!.headers.get("allow")).toBe("POST");
    for (const res of responses) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("strict-transport-security")).toContain("max-age=");
      expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    }
    expect(await responses[4]!.text()).not.toContain("/srv/x.ts");
  });

  test("CORS: unknown origins are refused, the allowed one gets a preflight answer", async () => {
    const evil = await call("/auth/me", { headers: { origin: "https://evil.example" } });
    expect(evil.status).toBe(403);
    expect((await json(evil)).code).toBe("ORIGIN_NOT_ALLOWED");
    expect(evil.headers.get("x-frame-options")).toBe("DENY");
    const preflight = await call("/auth/login", {
      method: "OPTIONS",
      headers: { origin: "https://console.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://console.example");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
    const same = await call("/health/live", { headers: { origin: "http://gw.local", host: "gw.local" } });
    expect(same.status).toBe(200);
  });

  test("oversized and 1,000-deep JSON bodies are refused quickly", async () => {
    const deep = `${"[".repeat(1_000)}${"]".repeat(1_000)}`;
    const started = performance.now();
    const res = await call("/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: deep,
    });
    expect(res.status).toBe(400);
    const big = await call("/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(2 * 1024 * 1024) },
      body: "x".repeat(2 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

suite("first start", () => {
  test("without DIANA_ADMIN_PASSWORD an admin password is generated and printed exactly once", async () => {
    const db = await createTestDatabase();
    const conn = await connect({ url: db.url });
    try {
      await conn.migrate("gateway");
      const printed: string[] = [];
      const make = () =>
        createIdentity(conn.forService("gateway"), {
          announce: (t) => void printed.push(t),
          publishLeadMs: 0,
        });
      await make().ready();
      await make().ready();
      expect(printed).toHaveLength(1);
      const password = /password: (\S+)/.exec(printed[0]!)![1]!;
      expect(password.length).toBeGreaterThanOrEqual(24);
      expect((await make().login("admin", password)).user.role).toBe("admin");
    } finally {
      await conn.close();
      await db.drop();
    }
  });
});

describe("client address", () => {
  test("X-Forwarded-For is believed only from a trusted proxy, right-most untrusted hop first", () => {
    expect(clientIp("203.0.113.9", "1.2.3.4", [])).toBe("203.0.113.9");
    expect(clientIp("10.0.0.5", "1.2.3.4, 198.51.100.7", ["10.0.0.0/8"])).toBe("198.51.100.7");
    expect(clientIp("10.0.0.5", "1.2.3.4, 10.0.0.9", ["10.0.0.0/8"])).toBe("1.2.3.4");
    expect(clientIp("::ffff:10.0.0.5", "1.2.3.4", ["10.0.0.0/8"])).toBe("1.2.3.4");
    expect(clientIp("192.168.1.1", "1.2.3.4", ["10.0.0.0/8"])).toBe("192.168.1.1");
  });
});
