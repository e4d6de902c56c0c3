import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { allows, type Principal, type RouteRole, routeRoles, signAccessToken } from "@diana/core/auth";
import { jwtAttacks } from "@diana/core/auth/testing";
import { json, testServiceBearer } from "@diana/core/testing";
import { validate } from "@readme/openapi-parser";
import { serviceNames } from "../src/catalogue";
import type { RunningSuite } from "../src/launch";
import { type RealSuite, realInfrastructure, startRealSuite } from "./real-suite";

const infra = await realInfrastructure();
const securityDescribe = infra.skip ? describe.skip : describe;
if (infra.skip) console.warn(`skipping the suite security test: ${infra.skip}`);

const METHODS = ["get", "put", "post", "delete", "patch"] as const;
type Caller = "none" | "viewer" | "operator" | "admin" | "service";
const PRINCIPALS: Record<Caller, Principal | undefined> = {
  none: undefined,
  viewer: { kind: "user", id: "v", name: "vera", role: "viewer" },
  operator: { kind: "user", id: "o", name: "otto", role: "operator" },
  admin: { kind: "user", id: "a", name: "admin", role: "admin" },
  service: { kind: "service", name: "test" },
};
interface Operation {
  method: string;
  path: string;
  [key: string]: unknown;
}

/** The kit's own refusals: 401 UNAUTHORIZED for a missing or bad token, 403 FORBIDDEN for a role too low. */
async function refusal(res: Response): Promise<"401" | "403" | undefined> {
  if (res.status !== 401 && res.status !== 403) return undefined;
  const body = (await res
    .clone()
    .json()
    .catch(() => ({}))) as { code?: string };
  if (res.status === 401 && body.code === "UNAUTHORIZED") return "401";
  if (res.status === 403 && body.code === "FORBIDDEN") return "403";
  return undefined;
}

securityDescribe("security of the running suite", () => {
  let real: RealSuite;
  let suite: RunningSuite;
  let gateway: string;
  const bearers: Partial<Record<Caller, string>> = {};
  let refreshToken: string;
  const login = (username: string, password: string) => real.login(username, password);

  beforeAll(async () => {
    real = await startRealSuite(infra.amqpUrl);
    ({ suite, gateway } = real);
    const adminPassword = real.adminPassword;
    const admin = await login("admin", adminPassword);
    refreshToken = admin.refreshToken;
    bearers.admin = `Bearer ${admin.accessToken}`;
    for (const [name, role] of [
      ["vera", "viewer"],
      ["otto", "operator"],
    ] as const) {
      const password = `pw-${crypto.randomUUID()}`;
      const created = await fetch(`${gateway}/auth/users`, {
        method: "POST",
        headers: { authorization: bearers.admin, "content-type": "application/json" },
        body: JSON.stringify({ username: name, password, role }),
      });
      expect(created.status).toBe(201);
      bearers[role] = `Bearer ${(await login(name, password)).accessToken}`;
    }
    bearers.service = await testServiceBearer();
  }, 60_000);

  afterAll(() => real?.stop(), 30_000);

  /** The gateway's signing key, read from its schema: the attacks forge everything but the broken part. */
  async function signingKey() {
    const { SQL } = await import("bun");
    const sql = new SQL(real.databaseUrl, { max: 1 });
    const [row] =
      await sql`select kid, private_jwk from gateway.signing_keys where retired_at is null order by created_at desc limit 1`;
    await sql.close();
    const privateKey = createPrivateKey({ key: row.private_jwk, format: "jwk" });
    return { kid: row.kid as string, privateKey, publicKey: createPublicKey(privateKey) };
  }

  test("every JWT attack is refused with 401 problem+json by a protected route of each of the eleven services", async () => {
    expect(suite.services.map((s) => s.name).sort()).toEqual([...serviceNames].sort());
    const keys = await signingKey();
    const attacks = await jwtAttacks({ ...keys, refreshToken });
    expect(attacks).toHaveLength(13);
    // The control: a token forged with the same key and nothing broken passes everywhere.
    const genuine = await signAccessToken({
      key: keys.privateKey,
      kid: keys.kid,
      issuer: "diana:gateway",
      audience: "diana:api",
      subject: "user-control",
      name: "control",
      role: "viewer",
    });
    const refused: string[] = [];
    for (const s of suite.services) {
      const control = await fetch(`${s.url}/ops/info`, { headers: { authorization: `Bearer ${genuine}` } });
      expect({ service: s.name, status: control.status }).toEqual({ service: s.name, status: 200 });
      for (const { name, token } of attacks) {
        const res = await fetch(`${s.url}/ops/info`, { headers: { authorization: `Bearer ${token}` } });
        const body = await res.text();
        if (
          res.status !== 401 ||
          res.headers.get("content-type") !== "application/problem+json" ||
          !res.headers.get("www-authenticate")?.startsWith("Bearer") ||
          JSON.parse(body).code !== "UNAUTHORIZED" ||
          body.includes("stack")
        )
          refused.push(`${s.name}: ${name} → ${res.status} ${body.slice(0, 200)}`);
      }
    }
    expect(refused).toEqual([]);
  }, 60_000);

  test("roles: every operation of every live service's OpenAPI document admits exactly the callers its role allows", async () => {
    const undeclared: string[] = [];
    const wrong: string[] = [];
    let checked = 0;
    for (const s of suite.services) {
      const doc = await json(fetch(`${s.url}/openapi`));
      for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
        for (const method of METHODS) {
          const op = item[method];
          if (!op) continue;
          const role = op["x-role"] as RouteRole | undefined;
          if (!role || !routeRoles.includes(role) || !Array.isArray(op.security)) {
            undeclared.push(`${s.name} ${method.toUpperCase()} ${path}`);
            continue;
          }
          // Parameters get a placeholder: a refusal comes before validation, anything else means admitted.
          const url = `${s.url}${path.replace(/\{[^}]+\}/g, "x").replace(/\*$/, "x")}`;
          for (const caller of Object.keys(PRINCIPALS) as Caller[]) {
            const bearer = bearers[caller];
            const res = await fetch(url, {
              method: method.toUpperCase(),
              headers: bearer ? { authorization: bearer } : {},
              signal: AbortSignal.timeout(5_000),
            });
            const got = await refusal(res);
            await res.body?.cancel();
            const admitted = allows(role, PRINCIPALS[caller]);
            const expected = admitted ? undefined : caller === "none" ? "401" : "403";
            if (got !== expected)
              wrong.push(
                `${s.name} ${method.toUpperCase()} ${path} (${role}) as ${caller}: ${res.status}, expected ${expected ?? "admitted"}`,
              );
            checked++;
          }
        }
      }
    }
    expect(undeclared).toEqual([]);
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(11 * 8 * 5);
  }, 120_000);

  test("the gateway merges every live service's document under /api/<service>; it is valid OpenAPI and every operation declares its security", async () => {
    const doc = await json(fetch(`${gateway}/api/openapi`));
    expect(doc["x-unavailable"]).toEqual({});
    const result = await validate(structuredClone(doc));
    if (!result.valid)
      throw new Error(`the merged document is invalid: ${JSON.stringify(result.errors).slice(0, 2000)}`);
    const paths = Object.keys(doc.paths);
    for (const name of serviceNames.filter((n) => n !== "gateway")) {
      expect(paths).toContain(`/api/${name}/ops/info`);
      expect(paths).toContain(`/api/${name}/health/ready`);
    }
    expect(paths).toContain("/auth/login");
    expect(paths).toContain("/api/config/namespaces/{ns}/releases");
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>))
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        expect({ path, method, security: Array.isArray(op.security) }).toEqual({
          path,
          method,
          security: true,
        });
        expect(op["x-role"]).toBeString();
        const service = path.startsWith("/api/") ? path.split("/")[2] : "gateway";
        expect(op.operationId as string).toStartWith(`${service}.`);
        expect(ids.has(op.operationId as string)).toBe(false);
        ids.add(op.operationId as string);
        for (const tag of op.tags as string[]) expect(tag.split("/")[0]).toBe(service!);
      }
    expect(doc.paths["/api/config/namespaces/{ns}/schema"].put["x-role"]).toBe("admin");
    expect(doc.paths["/api/registry/instances/{id}/drain"].post.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["bearerAuth", "serviceToken"]);
    const docs = await fetch(`${gateway}/api/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-type")).toContain("text/html");
    expect(await docs.text()).toContain('data-url="/api/openapi"');
  });
});
