import { decodeProtectedHeader, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import {
  ACCESS_TOKEN_TYPE,
  ALGORITHM,
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  SERVICE_AUDIENCE,
  SERVICE_ISSUER,
  SERVICE_TOKEN_TYPE,
} from "./claims";
import { UnauthorizedError } from "./errors";
import { type KeySource, keyResolver } from "./key-source";
import { isUserRole, type Principal } from "./roles";
import { serviceKeys } from "./service-token";

/** Which user tokens to accept: their keys, issuer and audience. */
export type UserTokenOptions = KeySource & {
  /** Defaults to `diana:gateway`. */
  issuer?: string;
  /** Defaults to `diana:api`. */
  audience?: string;
};

/** Options for {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  /** User access tokens. Without it no user token verifies. */
  users?: UserTokenOptions;
  /** The shared `SERVICE_TOKEN` secret. Without it no service token verifies. */
  serviceSecret?: string;
  /** Allowed clock skew for `exp` and `nbf`. Defaults to 30 s; at most 120 s. */
  clockToleranceSeconds?: number;
  /** Longer bearer tokens are refused unread. Defaults to 4096 bytes. */
  maxTokenBytes?: number;
  /** Tokens issued longer ago are refused whatever their `exp`. Defaults to 1 h. */
  maxTokenAgeSeconds?: number;
  /** Verified tokens remembered (until their `exp`) so a hot token costs a map lookup. Defaults to 10,000; 0 turns it off. */
  cacheSize?: number;
  /** Defaults to `Date.now`. */
  now?: () => number;
}

// Headers that point at keys elsewhere or embed one: never honoured, so refused outright (RFC 8725 §3.10).
const FORBIDDEN_HEADERS = ["jku", "x5u", "jwk", "x5c", "x5t", "x5t#S256", "crit", "b64"];
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const refuse = (cause?: unknown) => new UnauthorizedError("the bearer token is not valid", { cause });

/**
 * Verifies bearer tokens with the algorithm pinned to EdDSA: user access tokens (`typ: at+jwt`, keys
 * from the gateway's JWKS) and service tokens (`typ: service+jwt`, the key derived from the shared
 * secret). `iss`, `aud`, `typ`, `exp`, `iat` and `sub` are required; skew is bounded. Every failure is
 * an {@link UnauthorizedError} with the same detail.
 *
 * @example
 * const verifier = createTokenVerifier({ users: { jwksUrl: "http://127.0.0.1:8080/.well-known/jwks.json" }, serviceSecret: env.SERVICE_TOKEN });
 * const principal = await verifier.verify(token);
 */
export function createTokenVerifier(options: TokenVerifierOptions) {
  const tolerance = options.clockToleranceSeconds ?? 30;
  if (tolerance < 0 || tolerance > 120) throw new RangeError("clockToleranceSeconds must be within 0–120");
  const maxBytes = options.maxTokenBytes ?? 4096;
  const maxAge = options.maxTokenAgeSeconds ?? 3600;
  const now = options.now ?? Date.now;
  const cacheSize = options.cacheSize ?? 10_000;
  // Keyed by the exact token string; an entry never outlives the token's own exp.
  const verified = new Map<string, { principal: Principal; expMs: number }>();
  const remember = (token: string, principal: Principal, exp: unknown) => {
    if (cacheSize === 0 || typeof exp !== "number") return principal;
    if (verified.size >= cacheSize) verified.clear();
    verified.set(token, { principal, expMs: exp * 1000 });
    return principal;
  };
  const userKeys: JWTVerifyGetKey | undefined = options.users && keyResolver(options.users);
  const issuer = options.users?.issuer ?? DEFAULT_ISSUER;
  const audience = options.users?.audience ?? DEFAULT_AUDIENCE;
  const common = () => ({
    algorithms: [ALGORITHM],
    clockTolerance: tolerance,
    maxTokenAge: maxAge,
    currentDate: new Date(now()),
    requiredClaims: ["exp", "iat", "sub"],
  });

  async function verifyService(token: string): Promise<Principal> {
    if (!options.serviceSecret) throw refuse();
    const { publicKey, kid } = await serviceKeys(options.serviceSecret);
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
      ...common(),
      issuer: SERVICE_ISSUER,
      audience: SERVICE_AUDIENCE,
      typ: SERVICE_TOKEN_TYPE,
    });
    if (protectedHeader.kid !== kid) throw refuse();
    return remember(token, { kind: "service", name: payload.sub as string }, payload.exp);
  }

  async function verifyUser(token: string): Promise<Principal> {
    if (!userKeys) throw refuse();
    const { payload } = await jwtVerify<JWTPayload & { role?: unknown; name?: unknown }>(token, userKeys, {
      ...common(),
      issuer,
      audience,
      typ: ACCESS_TOKEN_TYPE,
    });
    if (!isUserRole(payload.role)) throw refuse();
    const principal: Principal = {
      kind: "user",
      id: payload.sub as string,
      name: typeof payload.name === "string" ? payload.name : (payload.sub as string),
      role: payload.role,
    };
    return remember(token, principal, payload.exp);
  }

  return {
    /** The principal behind `token`; throws {@link UnauthorizedError} for anything else. */
    async verify(token: string): Promise<Principal> {
      const hit = verified.get(token);
      if (hit) {
        if (now() < hit.expMs) return hit.principal;
        verified.delete(token);
      }
      if (token.length > maxBytes || !COMPACT_JWS.test(token)) throw refuse();
      let typ: unknown;
      try {
        const header = decodeProtectedHeader(token);
        if (FORBIDDEN_HEADERS.some((h) => h in header) || header.alg !== ALGORITHM) throw refuse();
        if (typeof header.kid !== "string") throw refuse();
        typ = header.typ;
        return await (typ === SERVICE_TOKEN_TYPE ? verifyService(token) : verifyUser(token));
      } catch (e) {
        throw e instanceof UnauthorizedError ? e : refuse(e);
      }
    },
    /** The principal behind an `Authorization` header value; throws when it is missing or invalid. */
    async fromHeader(header: string | null): Promise<Principal> {
      if (!header) throw new UnauthorizedError("this route needs a bearer token");
      if (!/^Bearer /i.test(header))
        throw new UnauthorizedError("the Authorization header must be a bearer token");
      return this.verify(header.slice(7).trim());
    },
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;
