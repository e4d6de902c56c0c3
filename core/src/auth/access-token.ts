import { type CryptoKey, type KeyObject, SignJWT } from "jose";
import { ACCESS_TOKEN_TYPE, ALGORITHM } from "./claims";
import type { UserRole } from "./roles";

/** What {@link signAccessToken} puts in a token. */
export interface AccessTokenClaims {
  /** Private Ed25519 key and its id as published in the JWKS. */
  key: CryptoKey | KeyObject;
  kid: string;
  issuer: string;
  audience: string;
  /** The user's id. */
  subject: string;
  /** The user's name, for logs and the console. */
  name: string;
  role: UserRole;
  /** Defaults to 300 s. */
  ttlSeconds?: number;
  /** Milliseconds since the epoch. Defaults to `Date.now()`. */
  now?: number;
}

/**
 * Signs a user access token: EdDSA, `typ: at+jwt`, `kid`, and `iss`, `aud`, `sub`, `iat`, `nbf`, `exp`,
 * `jti`, `name`, `role`.
 *
 * @example
 * const jwt = await signAccessToken({ key, kid, issuer, audience, subject: user.id, name: "ada", role: "admin" });
 */
export function signAccessToken(c: AccessTokenClaims): Promise<string> {
  const iat = Math.floor((c.now ?? Date.now()) / 1000);
  return new SignJWT({ name: c.name, role: c.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: c.kid })
    .setIssuer(c.issuer)
    .setAudience(c.audience)
    .setSubject(c.subject)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + (c.ttlSeconds ?? 300))
    .setJti(crypto.randomUUID())
    .sign(c.key);
}
