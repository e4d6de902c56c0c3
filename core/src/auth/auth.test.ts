import { describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { silentLogger } from "../log";
import { createService } from "../service/create-service";
import { createTestAuth } from "../testing/auth";
import { json } from "../testing/http";
import { jwtAttacks } from "./attacks";
import { ACCESS_TOKEN_TYPE, DEFAULT_AUDIENCE, DEFAULT_ISSUER } from "./claims";
import type { RouteRole } from "./roles";
import { withRole } from "./route-roles";
import { createServiceTokenSigner } from "./service-token";
import { createTokenVerifier } from "./verifier";

const secret = `svc-${crypto.randomUUID()}${crypto.randomUUID()}`;
const auth = await createTestAuth();
const verifier = createTokenVerifier({ users: auth.users, serviceSecret: secret });

const service = createService({
  name: "sample",
  version: "0.0.1",
  port: 0,
  infra: "embedded",
  logger: silentLogger,
  auth: { verifier },
});
const app = service.app
  .get("/things", () => ({ things: [] }))
  .post("/ops/reset", () => ({ reset: true }))
  .delete("/things/:id", () => ({ deleted: true }))
  .post("/instances", () => ({ registered: true }), { detail: withRole("service") })
  .get("/whoami", ({ principal }) => ({ principal }));

const call = (method: string, path: string, authorization?: string) =>
  app.handle(
    new Request(`http://localhost${path}`, {
      method,
      headers: authorization ? { authorization } : {},
    }),
  );
const serviceBearer = async (s = secret) =>
  `Bearer ${await createServiceTokenSigner({ secret: s, subject: "monitor" }).token()}`;

describe("bearer tokens in the service kit", () => {
  test("every token of the JWT attack set is refused with 401 problem+json", async () => {
    const attacks = await jwtAttacks({
      privateKey: auth.privateKey,
      publicKey: auth.publicKey,
      kid: auth.kid,
    });
    expect(attacks).toHaveLength(13);
    for (const { name, token } of attacks) {
      const res = await call("GET", "/things", `Bearer ${token}`);
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      const body = await json(res);
      expect(body).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
      expect(JSON.stringify(body)).not.toContain("stack");
    }
  });

  test("the genuine token passes where the attacks fail", async () => {
    expect((await call("GET", "/things", await auth.bearer("viewer"))).status).toBe(200);
  });

  test("a token within the clock tolerance passes, one beyond it does not", async () => {
    const at = (expOffset: number) =>
      new SignJWT({ name: "ada", role: "viewer" })
        .setProtectedHeader({ alg: "EdDSA", typ: ACCESS_TOKEN_TYPE, kid: auth.kid })
        .setIssuer(DEFAULT_ISSUER)
        .setAudience(DEFAULT_AUDIENCE)
        .setSubject("u1")
        .setIssuedAt(Math.floor(Date.now() / 1000) - 300)
        .setExpirationTime(Math.floor(Date.now() / 1000) + expOffset)
        .sign(auth.privateKey);
    expect((await call("GET", "/things", `Bearer ${await at(-10)}`)).status).toBe(200);
    expect((await call("GET", "/things", `Bearer ${await at(-45)}`)).status).toBe(401);
  });

  test("roles: each route admits exactly the roles at or above its own", async () => {
    const callers: Record<string, string | undefined> = {
      none: undefined,
      viewer: await auth.bearer("viewer"),
      operator: await auth.bearer("operator"),
      admin: await auth.bearer("admin"),
      service: await serviceBearer(),
    };
    const table: Array<[string, string, Record<string, number>]> = [
      ["GET", "/things", { none: 401, viewer: 200, operator: 200, admin: 200, service: 200 }],
      ["POST", "/ops/reset", { none: 401, viewer: 403, operator: 200, admin: 200, service: 403 }],
      ["DELETE", "/things/1", { none: 401, viewer: 403, operator: 403, admin: 200, service: 403 }],
      ["POST", "/instances", { none: 401, viewer: 403, operator: 403, admin: 403, service: 200 }],
      ["GET", "/health/live", { none: 200, viewer: 200, operator: 200, admin: 200, service: 200 }],
      ["GET", "/metrics", { none: 200, viewer: 200, operator: 200, admin: 200, service: 200 }],
      ["GET", "/openapi", { none: 200, viewer: 200, operator: 200, admin: 200, service: 200 }],
    ];
    for (const [method, path, expected] of table) {
      const got: Record<string, number> = {};
      for (const [who, bearer] of Object.entries(callers))
        got[who] = (await call(method, path, bearer)).status;
      expect({ method, path, got }).toEqual({ method, path, got: expected });
    }
  });

  test("a forbidden call is 403 problem+json naming the role it needs", async () => {
    const res = await call("POST", "/ops/reset", await auth.bearer("viewer"));
    expect(res.status).toBe(403);
    expect(await json(res)).toMatchObject({
      code: "FORBIDDEN",
      detail: "this operation needs the operator role",
    });
  });

  test("handlers see who called", async () => {
    expect((await json(call("GET", "/whoami", await auth.bearer("operator")))).principal).toMatchObject({
      kind: "user",
      name: "operator-user",
      role: "operator",
    });
    expect((await json(call("GET", "/whoami", await serviceBearer()))).principal).toEqual({
      kind: "service",
      name: "monitor",
    });
  });

  test("a service token signed from another secret, or the raw secret itself, is refused", async () => {
    expect((await call("POST", "/instances", await serviceBearer(`other-${secret}`))).status).toBe(401);
    expect((await call("POST", "/instances", `Bearer ${secret}`)).status).toBe(401);
  });

  test("the OpenAPI document declares every operation's role and security", async () => {
    const doc = await json(call("GET", "/openapi"));
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["bearerAuth", "serviceToken"]);
    const roles: Record<string, RouteRole> = {};
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, Record<string, unknown>>>,
    ))
      for (const [method, op] of Object.entries(ops)) {
        expect(op).toHaveProperty("x-role");
        expect(Array.isArray(op.security)).toBe(true);
        roles[`${method.toUpperCase()} ${path}`] = op["x-role"] as RouteRole;
      }
    expect(roles).toMatchObject({
      "GET /health/live": "public",
      "GET /metrics": "public",
      "GET /ops/info": "viewer",
      "GET /things": "viewer",
      "POST /ops/reset": "operator",
      "DELETE /things/{id}": "admin",
      "POST /instances": "service",
    });
    expect(doc.paths["/health/live"].get.security).toEqual([]);
    expect(doc.paths["/ops/reset"].post.security).toEqual([{ bearerAuth: [] }]);
  });

  test("the clock tolerance is bounded", () => {
    expect(() => createTokenVerifier({ clockToleranceSeconds: 600 })).toThrow(RangeError);
  });
});

test("a remembered token stops verifying once it expires", async () => {
  let clock = Date.now();
  const v = createTokenVerifier({ users: auth.users, now: () => clock });
  const token = await auth.token("viewer");
  expect((await v.verify(token)).kind).toBe("user");
  expect((await v.verify(token)).kind).toBe("user");
  clock += 301_000 + 31_000;
  await expect(v.verify(token)).rejects.toMatchObject({ status: 401 });
});
