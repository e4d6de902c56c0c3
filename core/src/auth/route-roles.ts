import type { RouteRole } from "./roles";

/** Paths every service leaves open: liveness, readiness, metrics, the OpenAPI document and its UI. */
const OPEN = /^\/(health\/(live|ready)|metrics|openapi(\/json)?|docs)$/;

/**
 * The role a route needs when it declares none: open kit paths are `public`, reads `viewer`,
 * `POST /ops/…` `operator`, any other write `admin` (so a forgotten declaration fails closed).
 */
export function defaultRole(method: string, path: string): RouteRole {
  if (OPEN.test(path)) return "public";
  if (method === "GET" || method === "HEAD") return "viewer";
  if (method === "POST" && path.startsWith("/ops/")) return "operator";
  return "admin";
}

/** OpenAPI security requirements per role. Viewer routes also take a service token. */
export function securityFor(role: RouteRole): Array<Record<string, string[]>> {
  if (role === "public") return [];
  if (role === "service") return [{ serviceToken: [] }];
  if (role === "viewer") return [{ bearerAuth: [] }, { serviceToken: [] }];
  return [{ bearerAuth: [] }];
}

/** The security schemes the kit adds to every OpenAPI document. */
export const securitySchemes = {
  bearerAuth: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "A user access token from the gateway's `POST /auth/login` (EdDSA, `typ: at+jwt`). The operation's `x-role` names the least role it needs: viewer < operator < admin.",
  },
  serviceToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "A service token (`typ: service+jwt`) signed with the key every service derives from `SERVICE_TOKEN`.",
  },
} as const;

/** `security: [{ serviceToken: [] }]` declared by hand means the same as `x-role: service`. */
function onlyServiceToken(security: unknown): boolean {
  return (
    Array.isArray(security) &&
    security.length > 0 &&
    security.every((s) => s && typeof s === "object" && Object.keys(s).join() === "serviceToken")
  );
}

interface RouteLike {
  method: string;
  path: string;
  hooks?: { detail?: Record<string, unknown> } & Record<string, unknown>;
}

/**
 * Each route's role, read once from `detail['x-role']`, then `roleOf`, then {@link defaultRole}; writes
 * the result back into the route's `detail` (`x-role` and `security`) so the OpenAPI document declares
 * it. Rebuilt when routes are added.
 */
export function routeRoleTable(
  routes: () => readonly RouteLike[],
  roleOf?: (method: string, path: string) => RouteRole | undefined,
) {
  let seen = -1;
  let table = new Map<string, RouteRole>();

  const build = () => {
    const list = routes();
    if (list.length === seen) return;
    const next = new Map<string, RouteRole>();
    for (const route of list) {
      route.hooks ??= {};
      route.hooks.detail ??= {};
      const detail = route.hooks.detail;
      const role =
        (detail["x-role"] as RouteRole | undefined) ??
        (onlyServiceToken(detail.security) ? "service" : undefined) ??
        roleOf?.(route.method, route.path) ??
        defaultRole(route.method, route.path);
      detail["x-role"] = role;
      detail.security = securityFor(role);
      next.set(`${route.method} ${route.path}`, role);
    }
    table = next;
    seen = list.length;
  };

  return {
    /** The role `method path` needs; undefined for an unknown route. */
    roleFor(method: string, path: string): RouteRole | undefined {
      build();
      return table.get(`${method} ${path}`) ?? (method === "HEAD" ? table.get(`GET ${path}`) : undefined);
    },
    /** Annotates every route now (before the OpenAPI document is generated). */
    annotate: build,
  };
}

/**
 * A route's OpenAPI `detail` with the role it needs; the service kit enforces it and documents it.
 *
 * @example
 * app.post("/instances/:id/drain", drain, { detail: withRole("operator", { summary: "Drain an instance" }) });
 */
export function withRole<D extends object>(role: RouteRole, detail?: D): D {
  return { ...detail, "x-role": role } as D;
}
