import { type Principal, UnauthorizedError, withRole } from "@diana/core/auth";
import { HttpError, ProblemSchema } from "@diana/core/service";
import { Elysia, t } from "elysia";
import type { Identity, Session } from "../domain/identity/identity";
import { MIN_PASSWORD_LENGTH } from "../domain/identity/passwords";
import type { RateLimits } from "../edge/rate-limits";

export const REFRESH_COOKIE = "diana_refresh";

export interface AuthRouteDeps {
  identity: Identity;
  limits: RateLimits;
  /** The caller's address (X-Forwarded-For only from trusted proxies). */
  ipOf: (request: Request) => string;
}

const Role = t.Union([t.Literal("viewer"), t.Literal("operator"), t.Literal("admin")]);
const UserSchema = t.Object({
  id: t.String(),
  username: t.String(),
  role: Role,
  disabled: t.Boolean(),
  createdAt: t.String({ format: "date-time" }),
  updatedAt: t.String({ format: "date-time" }),
});
const SessionSchema = t.Object({
  accessToken: t.String(),
  tokenType: t.Literal("Bearer"),
  expiresIn: t.Integer(),
  refreshToken: t.Optional(t.String()),
  user: UserSchema,
});
const Username = t.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$" });
const Password = t.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 256 });
const IdParams = t.Object({ id: t.String({ format: "uuid" }) });
const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 429: ProblemSchema };

function cookieOf(request: Request): string | undefined {
  const header = request.headers.get("cookie") ?? "";
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === REFRESH_COOKIE) return rest.join("=");
  }
  return undefined;
}

function refreshCookie(request: Request, token: string, maxAge: number): string {
  const https = new URL(request.url).protocol === "https:";
  return `${REFRESH_COOKIE}=${token}; Path=/auth; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${https ? "; Secure" : ""}`;
}

/**
 * Login, refresh, logout and the signed-in user; admin user management and key rotation. The browser
 * gets the refresh token as an HttpOnly cookie scoped to `/auth`; other clients ask for it in the body
 * with `"session": "token"`.
 */
export function authRoutes({ identity, limits, ipOf }: AuthRouteDeps) {
  const answer = (
    request: Request,
    set: { headers: Record<string, unknown> },
    s: Session,
    inBody: boolean,
  ) => {
    set.headers["cache-control"] = "no-store";
    set.headers["set-cookie"] = refreshCookie(request, s.refreshToken, 7 * 86_400);
    return {
      accessToken: s.accessToken,
      tokenType: "Bearer" as const,
      expiresIn: s.expiresIn,
      ...(inBody ? { refreshToken: s.refreshToken } : {}),
      user: s.user,
    };
  };
  const presented = (request: Request, body: { refreshToken?: string } | null | undefined) => {
    const token = body?.refreshToken ?? cookieOf(request);
    if (!token) throw new HttpError(401, "INVALID_REFRESH_TOKEN", "no refresh token in the body or cookie");
    return token;
  };
  const principalOf = (p: Principal | undefined) => {
    if (!p) throw new UnauthorizedError("this route needs a bearer token");
    return p;
  };

  return new Elysia({ name: "gateway:auth" })
    .post(
      "/auth/login",
      async ({ body, request, set }) => {
        const ip = ipOf(request);
        await limits.loginAllowed(ip, body.username);
        try {
          return answer(
            request,
            set,
            await identity.login(body.username, body.password),
            body.session === "token",
          );
        } catch (e) {
          if ((e as { code?: string }).code === "INVALID_CREDENTIALS")
            await limits.loginFailed(ip, body.username);
          throw e;
        }
      },
      {
        body: t.Object({
          username: t.String({ minLength: 1, maxLength: 64 }),
          password: t.String({ minLength: 1, maxLength: 256 }),
          session: t.Optional(t.Union([t.Literal("cookie"), t.Literal("token")])),
        }),
        response: { 200: SessionSchema, ...errors },
        detail: withRole("public", {
          tags: ["auth"],
          summary:
            "Log in: a 5-minute access token, and a rotating refresh token (cookie, or body with session=token)",
        }),
      },
    )
    .post(
      "/auth/refresh",
      async ({ body, request, set }) =>
        answer(request, set, await identity.refresh(presented(request, body)), Boolean(body?.refreshToken)),
      {
        body: t.Optional(t.Object({ refreshToken: t.Optional(t.String({ maxLength: 128 })) })),
        response: { 200: SessionSchema, ...errors },
        detail: withRole("public", {
          tags: ["auth"],
          summary: "Exchange a refresh token for a new pair; a reused one revokes its whole family",
        }),
      },
    )
    .post(
      "/auth/logout",
      async ({ body, request, set }) => {
        const token = body?.refreshToken ?? cookieOf(request);
        if (token) await identity.logout(token);
        set.headers["set-cookie"] = refreshCookie(request, "", 0);
        set.status = 204;
      },
      {
        body: t.Optional(t.Object({ refreshToken: t.Optional(t.String({ maxLength: 128 })) })),
        detail: withRole("public", {
          tags: ["auth"],
          summary: "Revoke the refresh token's family and clear the cookie",
          responses: { 204: { description: "Logged out" } },
        }),
      },
    )
    .get("/auth/me", (ctx) => principalOf((ctx as unknown as { principal?: Principal }).principal), {
      response: {
        200: t.Union([
          t.Object({ kind: t.Literal("user"), id: t.String(), name: t.String(), role: Role }),
          t.Object({ kind: t.Literal("service"), name: t.String() }),
        ]),
        ...errors,
      },
      detail: withRole("viewer", {
        tags: ["auth"],
        summary: "Who is calling: the signed-in user and role, or the service of a service token",
      }),
    })
    .get("/auth/users", async () => ({ users: await identity.users.list() }), {
      response: { 200: t.Object({ users: t.Array(UserSchema) }), ...errors },
      detail: withRole("admin", { tags: ["users"], summary: "Every user" }),
    })
    .post(
      "/auth/users",
      async ({ body, set }) => {
        set.status = 201;
        return identity.users.create(body);
      },
      {
        body: t.Object({ username: Username, password: Password, role: Role }),
        response: { 201: UserSchema, 409: ProblemSchema, ...errors },
        detail: withRole("admin", { tags: ["users"], summary: "Create a user" }),
      },
    )
    .patch("/auth/users/:id", async ({ params, body }) => identity.users.update(params.id, body), {
      params: IdParams,
      body: t.Object({
        role: t.Optional(Role),
        password: t.Optional(Password),
        disabled: t.Optional(t.Boolean()),
      }),
      response: { 200: UserSchema, 404: ProblemSchema, 409: ProblemSchema, ...errors },
      detail: withRole("admin", {
        tags: ["users"],
        summary: "Change a user's role, password or disabled flag; ends the user's sessions",
      }),
    })
    .delete(
      "/auth/users/:id",
      async ({ params, set }) => {
        await identity.users.remove(params.id);
        set.status = 204;
      },
      {
        params: IdParams,
        response: { 404: ProblemSchema, 409: ProblemSchema, ...errors },
        detail: withRole("admin", {
          tags: ["users"],
          summary: "Delete a user (never the last admin)",
          responses: { 204: { description: "Deleted" } },
        }),
      },
    )
    .post("/auth/keys/rotate", () => identity.keyring.rotate(), {
      response: {
        200: t.Object({ kid: t.String(), signsFrom: t.String({ format: "date-time" }) }),
        ...errors,
      },
      detail: withRole("admin", {
        tags: ["auth"],
        summary:
          "Add a signing key; it signs once published long enough, old tokens stay valid until they expire",
      }),
    });
}
