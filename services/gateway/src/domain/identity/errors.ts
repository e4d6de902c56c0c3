import { HttpError } from "@diana/core/service";

/** Wrong user name or password, or a disabled user: one answer for all, so names cannot be probed. */
export class InvalidCredentialsError extends HttpError {
  override readonly name = "InvalidCredentialsError";
  constructor() {
    super(401, "INVALID_CREDENTIALS", "the user name or password is wrong", {
      "www-authenticate": 'Bearer realm="diana"',
    });
  }
}

/** The refresh token is unknown, expired, revoked, or was already used (then its family is revoked). */
export class InvalidRefreshTokenError extends HttpError {
  override readonly name = "InvalidRefreshTokenError";
  constructor(detail = "the refresh token is not valid; log in again") {
    super(401, "INVALID_REFRESH_TOKEN", detail);
  }
}

export class UserExistsError extends HttpError {
  override readonly name = "UserExistsError";
  constructor(username: string) {
    super(409, "USER_EXISTS", `a user named "${username}" already exists`);
  }
}

export class UserNotFoundError extends HttpError {
  override readonly name = "UserNotFoundError";
  constructor(id: string) {
    super(404, "USER_NOT_FOUND", `no user ${id}`);
  }
}

/** The change would leave no enabled admin. */
export class LastAdminError extends HttpError {
  override readonly name = "LastAdminError";
  constructor() {
    super(409, "LAST_ADMIN", "this would leave no enabled admin");
  }
}

export class WeakPasswordError extends HttpError {
  override readonly name = "WeakPasswordError";
  constructor(min: number) {
    super(400, "WEAK_PASSWORD", `the password must be at least ${min} characters`);
  }
}
