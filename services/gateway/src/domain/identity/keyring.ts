import type { ServiceDb } from "@diana/db";
import { signingKeys } from "@diana/db/schema/gateway";
import { gt, isNull, lt, or } from "drizzle-orm";
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
} from "jose";

export interface KeyringOptions {
  /** Access-token lifetime: how long a retired key stays published. */
  accessTtlSeconds: number;
  /** Clock tolerance verifiers allow, added to that. */
  clockToleranceSeconds: number;
  /**
   * How long a new key is published before it signs, so verifiers caching the JWKS have picked it up.
   * Defaults to 45 s (longer than the kit's 30 s JWKS refetch cool-down).
   */
  publishLeadMs?: number;
  /** How often keys are reloaded from the database (other gateway instances rotate too). Defaults to 30 s. */
  reloadMs?: number;
  now?: () => number;
}

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  privateKey: CryptoKey;
  createdAt: number;
  retiredAt: number | null;
}

/**
 * The gateway's Ed25519 signing keys, in its database so every gateway instance signs with the same
 * key. Rotation publishes the new key at once, lets it sign after `publishLeadMs`, and keeps the old
 * one in the JWKS until the last token it signed has expired — nobody is logged out.
 */
export function createKeyring(db: ServiceDb<"gateway">, options: KeyringOptions) {
  const now = options.now ?? Date.now;
  const lead = options.publishLeadMs ?? 45_000;
  const reloadMs = options.reloadMs ?? 30_000;
  const keepMs = (options.accessTtlSeconds + options.clockToleranceSeconds) * 1000;
  let keys: LoadedKey[] = [];
  let loadedAt = Number.NEGATIVE_INFINITY;
  let jwks: JSONWebKeySet = { keys: [] };
  let loading: Promise<void> | undefined;

  async function create(): Promise<void> {
    const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = (await calculateJwkThumbprint(publicJwk)).slice(0, 22);
    await db.insert(signingKeys).values({
      kid,
      publicJwk: { ...publicJwk, kid, alg: "EdDSA", use: "sig" },
      privateJwk: { ...(await exportJWK(privateKey)), kid },
      createdAt: new Date(now()),
    });
  }

  async function load(): Promise<void> {
    // Keys whose last token has expired are deleted, private half included.
    await db.delete(signingKeys).where(lt(signingKeys.retiredAt, new Date(now() - keepMs)));
    let rows = await db.select().from(signingKeys);
    if (!rows.some((r) => r.retiredAt === null)) {
      await create();
      rows = await db.select().from(signingKeys);
    }
    keys = await Promise.all(
      rows.map(async (r) => ({
        kid: r.kid,
        publicJwk: r.publicJwk as JWK,
        privateKey: (await importJWK(r.privateJwk as JWK, "EdDSA")) as CryptoKey,
        createdAt: r.createdAt.getTime(),
        retiredAt: r.retiredAt?.getTime() ?? null,
      })),
    );
    keys.sort((a, b) => b.createdAt - a.createdAt || a.kid.localeCompare(b.kid));
    jwks = { keys: keys.map((k) => k.publicJwk) };
    loadedAt = now();
  }

  async function fresh(): Promise<void> {
    if (now() - loadedAt < reloadMs) return;
    loading ??= load().finally(() => {
      loading = undefined;
    });
    await loading;
  }

  return {
    /** Loads (creating the first key if there is none). */
    load: fresh,
    /** The key that signs now: the newest one published for at least `publishLeadMs`. */
    async signing(): Promise<{ kid: string; key: CryptoKey }> {
      await fresh();
      const t = now();
      const live = keys.filter((k) => k.retiredAt === null || k.retiredAt > t);
      const chosen = live.find((k) => k.createdAt + lead <= t) ?? live[live.length - 1] ?? keys[0];
      if (!chosen) throw new Error("no signing key");
      return { kid: chosen.kid, key: chosen.privateKey };
    },
    /** Every published public key. */
    async jwks(): Promise<JSONWebKeySet> {
      await fresh();
      return jwks;
    },
    /** Adds a key; the current ones stop signing once it has been published for `publishLeadMs`. */
    async rotate(): Promise<{ kid: string; signsFrom: string }> {
      await db
        .update(signingKeys)
        .set({ retiredAt: new Date(now() + lead) })
        .where(or(isNull(signingKeys.retiredAt), gt(signingKeys.retiredAt, new Date(now() + lead))));
      await create();
      await load();
      return { kid: keys[0]!.kid, signsFrom: new Date(now() + lead).toISOString() };
    },
  };
}

export type Keyring = ReturnType<typeof createKeyring>;
