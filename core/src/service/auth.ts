import { createHash, timingSafeEqual } from "node:crypto";
import { HttpError } from "./problem";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Thrown when a route that needs the service token gets none or a wrong one. */
export class UnauthorizedError extends HttpError {
  override readonly name = "UnauthorizedError";
  constructor(detail: string) {
    super(401, "UNAUTHORIZED", detail, { "www-authenticate": 'Bearer realm="diana"' });
  }
}

/**
 * A `beforeHandle` guard that admits only requests carrying `Authorization: Bearer <token>`, the
 * shared service token. The comparison takes constant time.
 *
 * @example
 * app.post("/instances", register, { beforeHandle: requireServiceToken(env.SERVICE_TOKEN) });
 */
export function requireServiceToken(token: string) {
  if (token.length < 32) throw new Error("the service token must be at least 32 characters");
  const expected = digest(token);
  return ({ request }: { request: Request }) => {
    const header = request.headers.get("authorization") ?? "";
    const presented = header.startsWith("Bearer ") ? header.slice(7) : "";
    if (!presented) throw new UnauthorizedError("this route needs the service token as a bearer token");
    if (!timingSafeEqual(digest(presented), expected))
      throw new UnauthorizedError("the service token is not valid");
  };
}

/** The OpenAPI security requirement for routes guarded by {@link requireServiceToken}. */
export const serviceTokenSecurity = [{ serviceToken: [] }];
