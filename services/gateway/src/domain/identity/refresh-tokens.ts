import { createHash } from "node:crypto";
import type { ServiceDb } from "@diana/db";
import { refreshTokens } from "@diana/db/schema/gateway";
import { and, eq, isNull } from "drizzle-orm";
import { InvalidRefreshTokenError } from "./errors";

const hash = (token: string) => createHash("sha256").update(token).digest("hex");
const mint = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

/** What a refresh token stands for once checked. */
export interface RefreshGrant {
  userId: string;
  familyId: string;
}

/**
 * Opaque refresh tokens (32 random bytes), stored only as SHA-256 hashes. Each exchange marks the token
 * used and issues its successor in the same family; presenting a used token again means it was copied,
 * so the whole family is revoked.
 */
export function createRefreshTokens(
  db: ServiceDb<"gateway">,
  ttlSeconds: number,
  now: () => number = Date.now,
) {
  const revokeFamily = (familyId: string, reason: string) =>
    db
      .update(refreshTokens)
      .set({ revokedAt: new Date(now()), revokedReason: reason })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));

  async function issue(userId: string, familyId: string, tx: ServiceDb<"gateway"> = db): Promise<string> {
    const token = mint();
    await tx.insert(refreshTokens).values({
      id: Bun.randomUUIDv7(),
      familyId,
      userId,
      tokenHash: hash(token),
      createdAt: new Date(now()),
      expiresAt: new Date(now() + ttlSeconds * 1000),
    });
    return token;
  }

  return {
    /** Starts a family at login. */
    start: (userId: string) => issue(userId, Bun.randomUUIDv7()),
    /**
     * Exchanges `token` for its successor. Reuse revokes the family (and reports `reused`); an unknown,
     * expired or revoked token is refused.
     */
    async rotate(token: string): Promise<RefreshGrant & { token: string }> {
      if (!WELL_FORMED.test(token)) throw new InvalidRefreshTokenError();
      const outcome = await db.transaction(async (tx) => {
        const [row] = await tx
          .select()
          .from(refreshTokens)
          .where(eq(refreshTokens.tokenHash, hash(token)))
          .for("update");
        if (!row || row.revokedAt) return { kind: "invalid" as const };
        if (row.usedAt) return { kind: "reused" as const, familyId: row.familyId };
        if (row.expiresAt.getTime() <= now()) return { kind: "invalid" as const };
        await tx
          .update(refreshTokens)
          .set({ usedAt: new Date(now()) })
          .where(eq(refreshTokens.id, row.id));
        const next = await issue(row.userId, row.familyId, tx as never);
        return { kind: "ok" as const, userId: row.userId, familyId: row.familyId, token: next };
      });
      if (outcome.kind === "reused") {
        await revokeFamily(outcome.familyId, "reuse detected");
        throw new InvalidRefreshTokenError(
          "the refresh token was already used; every session of this login is revoked",
        );
      }
      if (outcome.kind === "invalid") throw new InvalidRefreshTokenError();
      return outcome;
    },
    /** Revokes the family of `token` (logout). Unknown tokens are ignored. */
    async revoke(token: string): Promise<void> {
      if (!WELL_FORMED.test(token)) return;
      const [row] = await db
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hash(token)));
      if (row) await revokeFamily(row.familyId, "logout");
    },
  };
}

export type RefreshTokens = ReturnType<typeof createRefreshTokens>;
