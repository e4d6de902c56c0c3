import { ApiError, authPost, setBearerSource } from "../api/client";

/** The roles a user holds, weakest first; each includes what the ones before it may do. */
export const roles = ["viewer", "operator", "admin"] as const;
export type Role = (typeof roles)[number];

export interface User {
  id: string;
  username: string;
  role: Role;
}

/** What `POST /auth/login` and `/auth/refresh` answer (the refresh token itself stays in an HttpOnly cookie). */
interface SessionBody {
  accessToken: string;
  tokenType: "Bearer";
  expiresIn: number;
  user: User;
}

export type SessionState =
  | { status: "restoring" }
  | { status: "signed-out"; notice?: string }
  | { status: "signed-in"; user: User };

/** Renew this long before the access token expires (a fifth of its life, at most a minute). */
const lead = (expiresInS: number) => Math.min(60_000, expiresInS * 200);

/** A token younger than this is not refreshed on a 401. */
const FRESH_MS = 10_000;

let state: SessionState = { status: "restoring" };
// In memory only: a reload restores the session from the refresh cookie.
let accessToken: string | undefined;
let renewTimer: ReturnType<typeof setTimeout> | undefined;
let renewing: Promise<boolean> | undefined;
let adoptedAt = 0;
const listeners = new Set<() => void>();

function publish(next: SessionState) {
  state = next;
  for (const l of listeners) l();
}

function adopt(body: SessionBody) {
  accessToken = body.accessToken;
  adoptedAt = Date.now();
  clearTimeout(renewTimer);
  renewTimer = setTimeout(() => void renew(), Math.max(1_000, body.expiresIn * 1000 - lead(body.expiresIn)));
  const { id, username, role } = body.user;
  const same = state.status === "signed-in" && state.user.id === id && state.user.role === role;
  if (!same) publish({ status: "signed-in", user: { id, username, role } });
}

function end(notice?: string) {
  accessToken = undefined;
  clearTimeout(renewTimer);
  publish({ status: "signed-out", notice });
}

/**
 * Exchanges the refresh cookie for a new access token, once at a time. A refused refresh ends the
 * session; an unreachable gateway does not (the next call tries again).
 */
function renew(): Promise<boolean> {
  renewing ??= refresh();
  return renewing;
}

/** Called on a 401: a token this fresh was not the problem (a service refused it), so keep it. */
function renewAfter401(): Promise<boolean> {
  if (renewing) return renewing;
  if (accessToken && Date.now() - adoptedAt < FRESH_MS) return Promise.resolve(false);
  return renew();
}

function refresh(): Promise<boolean> {
  return authPost<SessionBody>("/auth/refresh")
    .then(
      (body) => {
        adopt(body);
        return true;
      },
      (error: unknown) => {
        if (error instanceof ApiError && [400, 401, 403].includes(error.status)) {
          const wasIn = state.status === "signed-in";
          end(wasIn ? "Your session has ended. Sign in again." : undefined);
        }
        return false;
      },
    )
    .finally(() => {
      renewing = undefined;
    });
}

setBearerSource({ token: () => accessToken, renew: renewAfter401 });

export const session = {
  get: (): SessionState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** On start: a refresh cookie from an earlier visit signs in without the form. */
  async restore(): Promise<void> {
    if (!(await renew()) && state.status === "restoring") end();
  },
  /** Throws the gateway's ApiError (401 wrong credentials, 429 too many attempts) or UnreachableError. */
  async login(username: string, password: string): Promise<void> {
    adopt(await authPost<SessionBody>("/auth/login", { username, password }));
  },
  /** Revokes the refresh token's family and forgets the access token, even if the gateway is away. */
  async logout(): Promise<void> {
    try {
      await authPost<void>("/auth/logout");
    } finally {
      end("Signed out.");
    }
  },
};

/** Whether `role` includes `needed`. */
export const hasRole = (role: Role, needed: Role) => roles.indexOf(role) >= roles.indexOf(needed);
