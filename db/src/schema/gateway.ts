import { sql } from "drizzle-orm";
import { check, index, jsonb, pgSchema, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { platformTables } from "./platform";

/** The `gateway` Postgres schema: everything the gateway service stores. */
export const schema = pgSchema("gateway");

export const { outbox, inbox } = platformTables(schema);

export const userRoleValues = ["viewer", "operator", "admin"] as const;

/** Console and API users. Passwords are argon2id hashes (`Bun.password`); never stored in clear. */
export const users = schema.table(
  "users",
  {
    id: uuid("id").primaryKey(),
    /** Lower-case login name. */
    username: text("username").notNull().unique(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: userRoleValues }).notNull(),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("users_role_check", sql`${t.role} in ('viewer', 'operator', 'admin')`)],
);

/**
 * Refresh tokens, stored as SHA-256 hashes. Each login starts a family; every refresh rotates to a new
 * row of the same family, and presenting a used one revokes the whole family (theft detection).
 */
export const refreshTokens = schema.table(
  "refresh_tokens",
  {
    id: uuid("id").primaryKey(),
    familyId: uuid("family_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Set when this token was exchanged for its successor. */
    usedAt: timestamp("used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedReason: text("revoked_reason"),
  },
  (t) => [index("refresh_tokens_family_idx").on(t.familyId), index("refresh_tokens_user_idx").on(t.userId)],
);

/**
 * Ed25519 signing keys of access tokens. The newest unretired key signs; retired keys stay published in
 * the JWKS until every token they signed has expired, then are deleted.
 */
export const signingKeys = schema.table("signing_keys", {
  kid: text("kid").primaryKey(),
  publicJwk: jsonb("public_jwk").$type<Record<string, unknown>>().notNull(),
  privateJwk: jsonb("private_jwk").$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  retiredAt: timestamp("retired_at", { withTimezone: true }),
});
