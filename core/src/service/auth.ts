import { UnauthorizedError } from "../auth/errors";
import { createTokenVerifier } from "../auth/verifier";

export { UnauthorizedError };

/**
 * A `beforeHandle` guard that admits only a valid service token (`typ: service+jwt`, signed with the
 * key derived from the shared secret). Prefer declaring `detail: { "x-role": "service" }`, which the
 * service kit enforces and documents; this guard is for apps built without the kit.
 *
 * @example
 * app.post("/instances", register, { beforeHandle: requireServiceToken(env.SERVICE_TOKEN) });
 */
export function requireServiceToken(secret: string) {
  if (secret.length < 32) throw new Error("the service token must be at least 32 characters");
  const verifier = createTokenVerifier({ serviceSecret: secret });
  return async ({ request }: { request: Request }) => {
    const principal = await verifier.fromHeader(request.headers.get("authorization"));
    if (principal.kind !== "service") throw new UnauthorizedError("this route needs a service token");
  };
}

/** The OpenAPI security requirement for routes only services may call. */
export const serviceTokenSecurity = [{ serviceToken: [] }];
