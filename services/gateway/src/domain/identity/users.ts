import type { UserRole } from "@diana/core/auth";
import type { ServiceDb } from "@diana/db";
import { refreshTokens, users } from "@diana/db/schema/gateway";
import { and, asc, count, eq, isNull, ne } from "drizzle-orm";
import { LastAdminError, UserExistsError, UserNotFoundError } from "./errors";
import { hashPassword } from "./passwords";

/** A user as the API shows it: never the hash. */
export interface User {
  id: string;
  username: string;
  role: UserRole;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

type Row = typeof users.$inferSelect;
export const toUser = (r: Row): User => ({
  id: r.id,
  username: r.username,
  role: r.role,
  disabled: r.disabledAt !== null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export interface UserChange {
  role?: UserRole;
  password?: string;
  disabled?: boolean;
}

/** User accounts in the gateway's schema. */
export function createUserStore(db: ServiceDb<"gateway">, now: () => number = Date.now) {
  const enabledAdmins = async (except?: string) => {
    const where = and(
      eq(users.role, "admin"),
      isNull(users.disabledAt),
      except ? ne(users.id, except) : undefined,
    );
    const [row] = await db.select({ n: count() }).from(users).where(where);
    return row?.n ?? 0;
  };

  return {
    enabledAdmins,
    async byName(username: string): Promise<Row | undefined> {
      const [row] = await db.select().from(users).where(eq(users.username, username.toLowerCase()));
      return row;
    },
    async byId(id: string): Promise<Row | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id));
      return row;
    },
    async list(): Promise<User[]> {
      return (await db.select().from(users).orderBy(asc(users.username))).map(toUser);
    },
    async create(input: { username: string; password: string; role: UserRole }): Promise<User> {
      const passwordHash = await hashPassword(input.password);
      const at = new Date(now());
      const [row] = await db
        .insert(users)
        .values({
          id: Bun.randomUUIDv7(),
          username: input.username.toLowerCase(),
          passwordHash,
          role: input.role,
          createdAt: at,
          updatedAt: at,
        })
        .onConflictDoNothing()
        .returning();
      if (!row) throw new UserExistsError(input.username);
      return toUser(row);
    },
    async update(id: string, change: UserChange): Promise<User> {
      const current = await this.byId(id);
      if (!current) throw new UserNotFoundError(id);
      const losesAdmin =
        current.role === "admin" &&
        current.disabledAt === null &&
        ((change.role !== undefined && change.role !== "admin") || change.disabled === true);
      if (losesAdmin && (await enabledAdmins(id)) === 0) throw new LastAdminError();
      const set: Partial<typeof users.$inferInsert> = { updatedAt: new Date(now()) };
      if (change.role) set.role = change.role;
      if (change.password !== undefined) set.passwordHash = await hashPassword(change.password);
      if (change.disabled !== undefined) set.disabledAt = change.disabled ? new Date(now()) : null;
      const [row] = await db.update(users).set(set).where(eq(users.id, id)).returning();
      // A new password, a lower role or a disabled account ends every session of the user.
      if (change.password !== undefined || change.role !== undefined || change.disabled) {
        await db
          .update(refreshTokens)
          .set({ revokedAt: new Date(now()), revokedReason: "user changed" })
          .where(and(eq(refreshTokens.userId, id), isNull(refreshTokens.revokedAt)));
      }
      return toUser(row!);
    },
    async remove(id: string): Promise<void> {
      const current = await this.byId(id);
      if (!current) throw new UserNotFoundError(id);
      if (current.role === "admin" && current.disabledAt === null && (await enabledAdmins(id)) === 0)
        throw new LastAdminError();
      await db.delete(users).where(eq(users.id, id));
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
