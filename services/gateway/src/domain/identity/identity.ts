import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, signAccessToken, type UserRole } from "@diana/core/auth";
import type { ServiceDb } from "@diana/db";
import { InvalidCredentialsError, InvalidRefreshTokenError } from "./errors";
import { createKeyring, type KeyringOptions } from "./keyring";
import { generatePassword, verifyPassword } from "./passwords";
import { createRefreshTokens } from "./refresh-tokens";
import { createUserStore, toUser, type User } from "./users";

export interface IdentityOptions {
  /** Defaults to `diana:gateway`. */
  issuer?: string;
  /** Defaults to `diana:api`. */
  audience?: string;
  /** Defaults to 300 s. */
  accessTtlSeconds?: number;
  /** Defaults to 7 days; each refresh starts a new period. */
  refreshTtlSeconds?: number;
  /** What verifiers allow; keeps retired keys published that much longer. Defaults to 30 s. */
  clockToleranceSeconds?: number;
  /** See {@link KeyringOptions.publishLeadMs}. */
  publishLeadMs?: number;
  /** The first admin's password (`DIANA_ADMIN_PASSWORD`); generated and announced when unset. */
  adminPassword?: string;
  /** Where a generated admin password is printed, once. Defaults to stdout. */
  announce?: (text: string) => void;
  now?: () => number;
}

/** What login and refresh answer. */
export interface Session {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  user: User;
}

/**
 * Users, passwords, sessions and signing keys of the gateway: login issues a short-lived EdDSA access
 * token and a rotating refresh token.
 */
export function createIdentity(db: ServiceDb<"gateway">, options: IdentityOptions = {}) {
  const now = options.now ?? Date.now;
  const issuer = options.issuer ?? DEFAULT_ISSUER;
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const accessTtl = options.accessTtlSeconds ?? 300;
  const keyring = createKeyring(db, {
    accessTtlSeconds: accessTtl,
    clockToleranceSeconds: options.clockToleranceSeconds ?? 30,
    publishLeadMs: options.publishLeadMs,
    now,
  });
  const usersStore = createUserStore(db, now);
  const refresh = createRefreshTokens(db, options.refreshTtlSeconds ?? 7 * 86_400, now);
  const announce = options.announce ?? ((text: string) => process.stdout.write(text));

  async function session(user: User, refreshToken: string): Promise<Session> {
    const { key, kid } = await keyring.signing();
    const accessToken = await signAccessToken({
      key,
      kid,
      issuer,
      audience,
      subject: user.id,
      name: user.username,
      role: user.role,
      ttlSeconds: accessTtl,
      now: now(),
    });
    return { accessToken, expiresIn: accessTtl, refreshToken, user };
  }

  /** Creates the first admin when there is no enabled one. Idempotent across gateway instances. */
  async function bootstrapAdmin(): Promise<void> {
    if ((await usersStore.enabledAdmins()) > 0) return;
    const generated = !options.adminPassword;
    const password = options.adminPassword ?? generatePassword();
    const existing = await usersStore.byName("admin");
    if (existing) await usersStore.update(existing.id, { role: "admin", disabled: false, password });
    else {
      try {
        await usersStore.create({ username: "admin", password, role: "admin" });
      } catch (e) {
        if ((e as { code?: string }).code === "USER_EXISTS") return; // another gateway won the race
        throw e;
      }
    }
    if (generated) {
      const line = "=".repeat(72);
      announce(
        `\n${line}\n  Diana: created the first admin user.\n    user:     admin\n    password: ${password}\n` +
          `  It is shown once. Log in and change it; set DIANA_ADMIN_PASSWORD to choose it yourself.\n${line}\n\n`,
      );
    }
  }

  let ready: Promise<void> | undefined;

  return {
    keyring,
    users: usersStore,
    /** Loads the keys and makes sure an admin exists; resolves once, retried after a failure. */
    ready(): Promise<void> {
      ready ??= (async () => {
        await keyring.load();
        await bootstrapAdmin();
      })().catch((e) => {
        ready = undefined;
        throw e;
      });
      return ready;
    },
    async login(username: string, password: string): Promise<Session> {
      const row = await usersStore.byName(username);
      const ok = await verifyPassword(password, row?.passwordHash);
      if (!ok || !row || row.disabledAt) throw new InvalidCredentialsError();
      return session(toUser(row), await refresh.start(row.id));
    },
    async refresh(token: string): Promise<Session> {
      const grant = await refresh.rotate(token);
      const row = await usersStore.byId(grant.userId);
      if (!row || row.disabledAt) throw new InvalidRefreshTokenError();
      return session(toUser(row), grant.token);
    },
    logout: (token: string) => refresh.revoke(token),
    jwks: () => keyring.jwks(),
  };
}

export type Identity = ReturnType<typeof createIdentity>;
export type { UserRole };
