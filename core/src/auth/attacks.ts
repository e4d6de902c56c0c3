import { generateKeyPairSync } from "node:crypto";
import { base64url, exportSPKI, type KeyObject, SignJWT } from "jose";
import { ACCESS_TOKEN_TYPE, DEFAULT_AUDIENCE, DEFAULT_ISSUER } from "./claims";

/** What an attack needs: the real signing key and its id, to forge everything but the broken part. */
export interface AttackKeys {
  privateKey: CryptoKey | KeyObject;
  publicKey: CryptoKey | KeyObject;
  kid: string;
  /** A refresh token the gateway issued, to present as an access token. */
  refreshToken?: string;
}

const enc = (o: unknown) => base64url.encode(JSON.stringify(o));
const now = () => Math.floor(Date.now() / 1000);

/**
 * The JWT attack set of RFC 8725 and issue 6, each a bearer token a verifier must refuse: `alg: none`,
 * HS256 keyed with the public key, an algorithm outside the allow-list, unknown `kid`, `jku`/`x5u`,
 * expired, future `nbf`, no `exp`, wrong `aud`, wrong `iss`, a refresh token, an oversized token.
 */
export async function jwtAttacks(keys: AttackKeys): Promise<Array<{ name: string; token: string }>> {
  const claims = { name: "mallory", role: "admin" };
  const good = (header: Record<string, unknown> = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "EdDSA", typ: ACCESS_TOKEN_TYPE, kid: keys.kid, ...header })
      .setIssuer(DEFAULT_ISSUER)
      .setAudience(DEFAULT_AUDIENCE)
      .setSubject("user-mallory")
      .setIssuedAt()
      .setNotBefore(now() - 1);
  const spki = await exportSPKI(keys.publicKey as CryptoKey);
  const hsKey = new TextEncoder().encode(spki);
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const payload = {
    ...claims,
    iss: DEFAULT_ISSUER,
    aud: DEFAULT_AUDIENCE,
    sub: "user-mallory",
    iat: now(),
    nbf: now() - 1,
    exp: now() + 300,
  };
  return [
    {
      name: "alg none",
      token: `${enc({ alg: "none", typ: ACCESS_TOKEN_TYPE, kid: keys.kid })}.${enc(payload)}.`,
    },
    {
      name: "HS256 keyed with the public key",
      token: await new SignJWT(payload)
        .setProtectedHeader({ alg: "HS256", typ: ACCESS_TOKEN_TYPE, kid: keys.kid })
        .sign(hsKey),
    },
    {
      name: "RS256, outside the allow-list",
      token: await new SignJWT(payload)
        .setProtectedHeader({ alg: "RS256", typ: ACCESS_TOKEN_TYPE, kid: keys.kid })
        .sign(rsa),
    },
    {
      name: "unknown kid",
      token: await good({ kid: "nobody-knows" }).setExpirationTime("5m").sign(keys.privateKey),
    },
    {
      name: "jku header",
      token: await good({ jku: "https://evil.example/jwks.json" })
        .setExpirationTime("5m")
        .sign(keys.privateKey),
    },
    {
      name: "x5u header",
      token: await good({ x5u: "https://evil.example/cert.pem" })
        .setExpirationTime("5m")
        .sign(keys.privateKey),
    },
    {
      name: "expired",
      token: await good()
        .setIssuedAt(now() - 900)
        .setExpirationTime(now() - 600)
        .sign(keys.privateKey),
    },
    {
      name: "nbf in the future",
      token: await good()
        .setNotBefore(now() + 600)
        .setExpirationTime("20m")
        .sign(keys.privateKey),
    },
    { name: "no exp", token: await good().sign(keys.privateKey) },
    {
      name: "wrong aud",
      token: await good().setAudience("someone-else").setExpirationTime("5m").sign(keys.privateKey),
    },
    {
      name: "wrong iss",
      token: await good().setIssuer("https://evil.example").setExpirationTime("5m").sign(keys.privateKey),
    },
    {
      name: "refresh token as access token",
      token:
        keys.refreshToken ??
        (await good({ typ: "refresh+jwt" }).setExpirationTime("5m").sign(keys.privateKey)),
    },
    {
      // Past the verifier's 4 KiB yet inside Bun's 16 KiB header block, so the verifier is what refuses it.
      name: "oversized token",
      token: await new SignJWT({ ...payload, pad: "x".repeat(8 * 1024) })
        .setProtectedHeader({ alg: "EdDSA", typ: ACCESS_TOKEN_TYPE, kid: keys.kid })
        .sign(keys.privateKey),
    },
  ];
}
