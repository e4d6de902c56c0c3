/** One field that failed validation, as listed in a problem's `errors[]`. */
export interface FieldError {
  /** JSON Pointer into the request part, e.g. `/body/quantity`. */
  pointer: string;
  detail: string;
}

/** An RFC 9457 problem document, the one error shape on the wire. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** Problem type URIs are relative references under this base, one per `code`. */
export const PROBLEM_BASE = "https://diana.dev/problems/";

/** Builds a problem document; `type` is derived from `code`. */
export function problem(
  status: number,
  code: string,
  detail?: string,
  extra: Partial<Problem> = {},
): Problem {
  return {
    type: `${PROBLEM_BASE}${code.toLowerCase().replaceAll("_", "-")}`,
    title: titles[status] ?? "Error",
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

/** Serialises a problem as an `application/problem+json` response. */
export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(p), {
    status: p.status,
    headers: { ...headers, "content-type": "application/problem+json" },
  });
}

/**
 * An error that knows its HTTP mapping. Throw one (or a subclass) from a route and the service kit
 * answers with the matching problem+json.
 *
 * @example
 * throw new HttpError(409, "ORDER_ALREADY_CANCELLED", `order ${id} is already cancelled`);
 */
export class HttpError extends Error {
  override readonly name: string = "HttpError";
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }
}

/** Anything thrown that carries an HTTP status and a code (HttpError, resilience errors, …). */
export function isHttpMappable(
  e: unknown,
): e is Error & { status: number; code: string; headers?: Record<string, string> } {
  if (!(e instanceof Error)) return false;
  const { status, code } = e as { status?: unknown; code?: unknown };
  return typeof status === "number" && status >= 400 && status < 600 && typeof code === "string";
}
