/** Hop-by-hop headers (RFC 9110 §7.6.1) never cross a proxy. */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
];

export interface ForwardContext {
  requestId: string;
  correlationId: string;
  clientIp?: string;
  proto: string;
  host: string | null;
}

/** Headers for the upstream request: hop-by-hop removed, ids and `X-Forwarded-*` set. */
export function upstreamHeaders(incoming: Headers, ctx: ForwardContext): Headers {
  const headers = new Headers(incoming);
  for (const h of HOP_BY_HOP) headers.delete(h);
  for (const h of (incoming.get("connection") ?? "").split(",")) if (h.trim()) headers.delete(h.trim());
  headers.set("x-request-id", ctx.requestId);
  headers.set("x-correlation-id", ctx.correlationId);
  if (ctx.clientIp) headers.set("x-forwarded-for", ctx.clientIp);
  headers.set("x-forwarded-proto", ctx.proto);
  if (ctx.host) headers.set("x-forwarded-host", ctx.host);
  return headers;
}

/**
 * Makes the upstream's headers fit for the client, in place: hop-by-hop removed. `fetch` has already
 * decoded any content encoding, so an encoded response's `content-encoding` and `content-length` no
 * longer describe the body.
 */
export function downstreamHeaders(headers: Headers): Headers {
  for (const h of HOP_BY_HOP) headers.delete(h);
  if (headers.has("content-encoding")) {
    headers.delete("content-encoding");
    headers.delete("content-length");
  }
  return headers;
}
