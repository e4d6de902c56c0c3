import { HttpError } from "../service/problem";

/** 401: no token, or one that does not verify. The detail never says which check failed. */
export class UnauthorizedError extends HttpError {
  override readonly name = "UnauthorizedError";
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      401,
      "UNAUTHORIZED",
      detail,
      { "www-authenticate": 'Bearer realm="diana", error="invalid_token"' },
      options,
    );
  }
}

/** 403: a valid token whose role is not enough for the route. */
export class ForbiddenError extends HttpError {
  override readonly name = "ForbiddenError";
  constructor(detail: string) {
    super(403, "FORBIDDEN", detail);
  }
}
