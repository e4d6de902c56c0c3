import { AsyncLocalStorage } from "node:async_hooks";

/** Headers carried from the incoming request to every outgoing call. */
export const PROPAGATED_HEADERS = ["traceparent", "tracestate", "x-request-id", "x-correlation-id"] as const;

/** What the client needs of the request being served. */
export interface RequestContext {
  headers: Headers;
}

/**
 * The incoming request, for code that does not pass `init.context` explicitly. The service kit
 * may run each request inside `requestContext.run({ headers }, handler)`.
 *
 * @example
 * requestContext.run({ headers: request.headers }, () => client.fetch("http://risk-guard/check"));
 */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** Copies the propagated headers from `from` into `to`, never overwriting what the caller set. */
export function propagate(to: Headers, from: Headers | undefined): void {
  if (!from) return;
  for (const name of PROPAGATED_HEADERS) {
    const value = from.get(name);
    if (value !== null && !to.has(name)) to.set(name, value);
  }
}

/** Whether {@link propagate} would add anything to `to`. */
export function propagates(to: Headers, from: Headers): boolean {
  for (const name of PROPAGATED_HEADERS) if (!to.has(name) && from.has(name)) return true;
  return false;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

/** Safe to send twice: an idempotent method, or any method carrying an `Idempotency-Key`. */
export function isRetrySafe(method: string, headers: Headers, body: unknown): boolean {
  if (body instanceof ReadableStream) return false;
  return IDEMPOTENT.has(method) || headers.has("idempotency-key");
}
