import type { Logger } from "../log";
import { type FieldError, isHttpMappable, problem, problemResponse } from "./problem";

/** Each field Elysia's validator refused, as JSON Pointers into the request part. */
export function validationErrors(error: unknown, part: string): FieldError[] {
  const all = (error as { all?: Array<{ path?: string; message?: string; summary?: string }> }).all ?? [];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of all) {
    const pointer = `/${part}${e.path ?? ""}`;
    const detail = e.summary ?? e.message ?? "is invalid";
    const key = `${pointer} ${detail}`;
    if (!seen.has(key)) out.push({ pointer, detail }) && seen.add(key);
  }
  return out;
}

/**
 * Elysia checks a number it coerced from a query, path or header parameter (`t.Integer({ minimum: 1 })`
 * given `?limit=0`) on its own and reports the failure as part `property` without the parameter's name.
 * The name is recovered from the query string where exactly one parameter holds that value; otherwise
 * the pointer names the request's parameters as a whole.
 */
function coercedParameterErrors(error: unknown, request: Request): FieldError[] {
  const { value } = error as { value?: unknown };
  const details = validationErrors(error, "").map((e) => e.detail);
  const query = new URL(request.url).searchParams;
  const named = [...new Set(query.keys())].filter((k) =>
    query.getAll(k).some((raw) => raw !== "" && Number(raw) === value),
  );
  const pointer = named.length === 1 ? `/query/${named[0]}` : "/parameters";
  return (details.length > 0 ? details : ["is invalid"]).map((detail) => ({ pointer, detail }));
}

export interface ErrorContext {
  /** Elysia's error code (`VALIDATION`, `NOT_FOUND`, `PARSE`, …). */
  code: string | number;
  error: unknown;
  request: Request;
  path: string;
  requestId: string;
  correlationId: string;
  /** The methods a known path answers (for 405). */
  allowed: (path: string) => string[];
  log: Logger;
}

/**
 * The service kit's one error mapping: every error leaves as `application/problem+json` — validation
 * with each bad field, 404/405, parse errors, errors that know their status (with `Retry-After` when
 * they know when to come back), and anything else as a 500 whose detail never leaves the process.
 */
export function errorResponse({
  code,
  error,
  request,
  path,
  requestId,
  correlationId,
  allowed,
  log,
}: ErrorContext): Response {
  const headers = { "x-request-id": requestId, "x-correlation-id": correlationId };
  const extra = { requestId, instance: path };
  if (code === "VALIDATION") {
    const part = (error as { type?: string }).type ?? "body";
    if (part === "response") {
      log.error("response failed its schema", {
        requestId,
        path,
        error: String((error as Error).message).slice(0, 500),
      });
      return problemResponse(
        problem(500, "INTERNAL", "the server produced an invalid response", extra),
        headers,
      );
    }
    if (part === "property") {
      const errors = coercedParameterErrors(error, request);
      return problemResponse(
        problem(400, "VALIDATION_FAILED", "a request parameter is invalid", { ...extra, errors }),
        headers,
      );
    }
    const errors = validationErrors(error, part);
    return problemResponse(
      problem(400, "VALIDATION_FAILED", `the request ${part} is invalid`, { ...extra, errors }),
      headers,
    );
  }
  if (code === "NOT_FOUND") {
    const allow = allowed(path);
    if (allow.length > 0)
      return problemResponse(
        problem(
          405,
          "METHOD_NOT_ALLOWED",
          `${path} answers ${allow.join(", ")}, not ${request.method}`,
          extra,
        ),
        { ...headers, allow: allow.join(", ") },
      );
    return problemResponse(
      problem(404, "NOT_FOUND", `no route for ${request.method} ${path}`, extra),
      headers,
    );
  }
  if (code === "PARSE") {
    // The kit's JSON parser says exactly what is wrong (too deep, not JSON); Elysia wraps it.
    const cause = (error as Error).cause;
    if (isHttpMappable(cause))
      return problemResponse(problem(cause.status, cause.code, cause.message, extra), headers);
    return problemResponse(
      problem(400, "MALFORMED_BODY", "the request body could not be parsed", extra),
      headers,
    );
  }
  if (isHttpMappable(error)) {
    if (error.status >= 500) log.error(error.message, { requestId, code: error.code, error });
    // An open circuit (or any error that knows) tells the client when to come back.
    const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
    const retry: Record<string, string> =
      typeof retryAfterMs === "number"
        ? { "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) }
        : {};
    return problemResponse(problem(error.status, error.code, error.message, extra), {
      ...headers,
      ...retry,
      ...error.headers,
    });
  }
  const status =
    typeof (error as { status?: unknown }).status === "number" ? (error as { status: number }).status : 500;
  if (status < 500) {
    return problemResponse(
      problem(status, "BAD_REQUEST", (error as Error).message ?? "bad request", extra),
      headers,
    );
  }
  log.error("unhandled error", { requestId, path, error, stack: (error as Error).stack });
  return problemResponse(
    problem(500, "INTERNAL", "an unexpected error occurred; the request id identifies it in the logs", extra),
    headers,
  );
}
