import { createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, SignJWT } from "jose";
import { ALGORITHM, SERVICE_AUDIENCE, SERVICE_ISSUER, SERVICE_TOKEN_TYPE } from "./claims";

/** The Ed25519 key pair every holder of the shared secret derives, and its key id. */
export interface ServiceKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
}

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const derived = new Map<string, Promise<ServiceKeys>>();

/**
 * Derives the service-token key pair from the shared `SERVICE_TOKEN` secret (HKDF-SHA256 → Ed25519
 * seed). Every process holding the secret derives the same pair, so services sign and verify without a
 * round trip to the gateway, and the secret itself never goes on the wire. Cached per secret.
 */
export function serviceKeys(secret: string): Promise<ServiceKeys> {
  if (secret.length < 32) throw new Error("the service token must be at least 32 characters");
  let keys = derived.get(secret);
  if (!keys) {
    keys = (async () => {
      const seed = Buffer.from(hkdfSync("sha256", secret, "diana", "service-token/ed25519/v1", 32));
      const privateKey = createPrivateKey({
        key: Buffer.concat([PKCS8_PREFIX, seed]),
        format: "der",
        type: "pkcs8",
      });
      const publicKey = createPublicKey(privateKey);
      const kid = `svc-${(await calculateJwkThumbprint(await exportJWK(publicKey))).slice(0, 16)}`;
      return { privateKey, publicKey, kid };
    })();
    derived.set(secret, keys);
  }
  return keys;
}

/** Options for {@link createServiceTokenSigner}. */
export interface ServiceTokenSignerOptions {
  /** The shared `SERVICE_TOKEN` secret (at least 32 characters). */
  secret: string;
  /** `sub` of the tokens: the calling service's name. */
  subject: string;
  /** Lifetime of each token. Defaults to 300 s. */
  ttlSeconds?: number;
  /** Defaults to `Date.now`. */
  now?: () => number;
}

/**
 * Mints short-lived service tokens (`typ: service+jwt`, EdDSA) and reuses each until a minute before
 * it expires.
 *
 * @example
 * const tokens = createServiceTokenSigner({ secret: env.SERVICE_TOKEN, subject: "monitor" });
 * await fetch(url, { headers: { authorization: `Bearer ${await tokens.token()}` } });
 */
export function createServiceTokenSigner(options: ServiceTokenSignerOptions) {
  const ttl = options.ttlSeconds ?? 300;
  const now = options.now ?? Date.now;
  let current: { token: string; renewAt: number } | undefined;
  let minting: Promise<string> | undefined;

  const mint = async () => {
    const { privateKey, kid } = await serviceKeys(options.secret);
    const iat = Math.floor(now() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: SERVICE_TOKEN_TYPE, kid })
      .setIssuer(SERVICE_ISSUER)
      .setAudience(SERVICE_AUDIENCE)
      .setSubject(options.subject)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + ttl)
      .setJti(crypto.randomUUID())
      .sign(privateKey);
    current = { token, renewAt: now() + Math.max(ttl - 60, ttl / 2) * 1000 };
    return token;
  };

  return {
    async token(): Promise<string> {
      if (current && now() < current.renewAt) return current.token;
      minting ??= mint().finally(() => {
        minting = undefined;
      });
      return minting;
    },
  };
}

export type ServiceTokenSigner = ReturnType<typeof createServiceTokenSigner>;
