/** The roles a user holds, weakest first; each includes everything the ones before it may do. */
export const userRoles = ["viewer", "operator", "admin"] as const;
export type UserRole = (typeof userRoles)[number];

/**
 * What a route needs. `public`: no token (health, metrics, /openapi, login). `service`: a service token
 * only (registry writes). `viewer` / `operator` / `admin`: a user with at least that role; a service
 * token also counts as `viewer`, so services can read each other.
 */
export type RouteRole = "public" | "service" | UserRole;
export const routeRoles: readonly RouteRole[] = ["public", "service", ...userRoles];

/** Who presented a verified token. */
export type Principal =
  | { kind: "user"; id: string; name: string; role: UserRole }
  | { kind: "service"; name: string };

const rank = (role: UserRole) => userRoles.indexOf(role);

export function isUserRole(value: unknown): value is UserRole {
  return typeof value === "string" && (userRoles as readonly string[]).includes(value);
}

/** Whether `principal` may call a route that needs `required`. */
export function allows(required: RouteRole, principal: Principal | undefined): boolean {
  if (required === "public") return true;
  if (!principal) return false;
  if (principal.kind === "service") return required === "service" || required === "viewer";
  if (required === "service") return false;
  return rank(principal.role) >= rank(required);
}
