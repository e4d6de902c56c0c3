import { problem, problemResponse } from "@diana/core/service";

const ALLOW_HEADERS = "authorization, content-type, x-request-id, x-correlation-id";
const EXPOSE_HEADERS = "ratelimit-limit, ratelimit-remaining, ratelimit-reset, retry-after, x-request-id";

/**
 * CORS with an allow-list. Same-origin requests pass untouched; a cross-origin request from an origin
 * not on the list is refused with 403 (preflight or not), so no handler runs for it.
 * Returns a response to send instead, or the headers to add.
 */
export function cors(request: Request, allowed: readonly string[]): Response | Record<string, string> {
  const origin = request.headers.get("origin");
  if (!origin) return {};
  const host = request.headers.get("host");
  try {
    if (host && new URL(origin).host === host) return {};
  } catch {
    // a malformed Origin is refused below
  }
  if (!allowed.includes(origin)) {
    return problemResponse(
      problem(403, "ORIGIN_NOT_ALLOWED", `origin ${origin.slice(0, 200)} is not allowed`),
      {
        vary: "Origin",
      },
    );
  }
  const headers: Record<string, string> = {
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "true",
    "access-control-expose-headers": EXPOSE_HEADERS,
    vary: "Origin",
  };
  if (request.method === "OPTIONS" && request.headers.has("access-control-request-method")) {
    return new Response(null, {
      status: 204,
      headers: {
        ...headers,
        "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE",
        "access-control-allow-headers": ALLOW_HEADERS,
        "access-control-max-age": "600",
      },
    });
  }
  return headers;
}
