// Sign-in for the fake gateway: three users, one per role, all with the password below. Access tokens
// are opaque and live 60 s, so refreshing shows up in a short session; the refresh token is a cookie.

export const FAKE_PASSWORD = "diana-dev-password";
const ROLES = ["viewer", "operator", "admin"] as const;
const ACCESS_TTL_S = 60;
const access = new Map<string, { role: string; until: number }>();
const refresh = new Map<string, string>();

const user = (name: string) => ({
  id: `0000000${ROLES.indexOf(name as never)}-0000-7000-8000-000000000000`,
  username: name,
  role: name,
  disabled: false,
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
});

const cookie = (token: string, maxAge: number) =>
  `diana_refresh=${token}; Path=/auth; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`;

function issue(name: string): Response {
  const token = crypto.randomUUID();
  const next = crypto.randomUUID();
  access.set(token, { role: name, until: Date.now() + ACCESS_TTL_S * 1000 });
  refresh.set(next, name);
  return Response.json(
    { accessToken: token, tokenType: "Bearer", expiresIn: ACCESS_TTL_S, user: user(name) },
    { headers: { "set-cookie": cookie(next, 86_400), "cache-control": "no-store" } },
  );
}

const cookieOf = (req: Request) => req.headers.get("cookie")?.match(/diana_refresh=([^;]+)/)?.[1];

/** `/auth/*`, or undefined for other paths. */
export async function authRoute(req: Request, path: string, unauthorized: (d: string) => Response) {
  if (req.method !== "POST") return undefined;
  if (path === "/auth/login") {
    const { username, password } = (await req.json().catch(() => ({}))) as Record<string, unknown>;
    if (!ROLES.includes(username as never) || password !== FAKE_PASSWORD)
      return unauthorized("wrong user name or password");
    return issue(username as string);
  }
  if (path === "/auth/refresh") {
    const name = refresh.get(cookieOf(req) ?? "");
    if (!name) return unauthorized("the refresh token is not valid");
    refresh.delete(cookieOf(req)!);
    return issue(name);
  }
  if (path === "/auth/logout") {
    refresh.delete(cookieOf(req) ?? "");
    return new Response(null, { status: 204, headers: { "set-cookie": cookie("", 0) } });
  }
  return undefined;
}

/** The caller's role from its bearer token, or undefined. */
export function roleOf(req: Request): string | undefined {
  const token = req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
  const found = access.get(token);
  return found && found.until > Date.now() ? found.role : undefined;
}
