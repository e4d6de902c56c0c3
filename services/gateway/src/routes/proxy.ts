import type { HttpClient } from "@diana/core/http";
import { ProblemSchema } from "@diana/core/service";
import { Elysia, t } from "elysia";
import { downstreamHeaders, upstreamHeaders } from "../domain/forward-headers";

export interface ProxyOptions {
  /** The resilient client: discovery of routable instances, balancing, and per-upstream timeout, retry and breaker. */
  client: HttpClient;
}

const SERVICE = "^[a-z][a-z0-9-]{1,39}$";
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * `/api/<service>/…` forwarded through the resilient client to a routable instance of that service.
 * Failures come back as problem+json from the client's typed errors: 503 naming the service when no
 * instance is routable or its breaker is open (with `Retry-After`), 502 when the instance does not
 * answer or fails, 504 when it is too slow.
 */
export function proxyRoutes({ client }: ProxyOptions) {
  const forward = async ({
    request,
    params,
    server,
    set,
    requestId,
    correlationId,
  }: {
    request: Request;
    params: { service: string };
    server: { requestIP(r: Request): { address: string } | null } | null;
    set: { headers: Record<string, string | number | string[]> };
    requestId: string;
    correlationId: string;
  }) => {
    const { service } = params;
    // The request URL is absolute (`http://host/api/<service>/rest?query`); slicing beats `new URL`.
    const url = request.url;
    const pathStart = url.indexOf("/", url.indexOf("//") + 2);
    const rest = pathStart < 0 ? "/" : url.slice(pathStart + 5 + service.length);
    const path = rest === "" || rest[0] === "?" ? `/${rest}` : rest;
    const headers = upstreamHeaders(request.headers, {
      requestId,
      correlationId,
      clientIp: server?.requestIP(request)?.address,
      proto: url.startsWith("https:") ? "https" : "http",
      host:
        request.headers.get("host") ??
        (pathStart < 0 ? url : url.slice(0, pathStart)).replace(/^\w+:\/\//, ""),
    });
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    const upstream = await client.request(service, path, {
      method: request.method,
      headers,
      // A buffered body can be sent again, so idempotent requests stay retryable.
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: "manual",
      signal: request.signal,
    });
    // `fetch` responses are mutable: fix the headers in place and add the edge's own (security, ids,
    // rate limit, CORS) where the upstream set none, as Elysia would. With `set.headers` then empty,
    // Elysia hands the response on as it is instead of copying headers and response once more.
    const out = downstreamHeaders(upstream.headers);
    for (const name in set.headers) {
      const value = set.headers[name]!;
      if (name === "set-cookie") for (const c of [value].flat()) out.append(name, String(c));
      else if (!out.has(name)) out.set(name, String(value));
    }
    set.headers = {};
    return upstream;
  };

  const route = {
    params: t.Object({ service: t.String({ pattern: SERVICE }) }, { additionalProperties: true }),
    parse: "none" as const,
    response: { 502: ProblemSchema, 503: ProblemSchema, 504: ProblemSchema },
    detail: {
      tags: ["gateway"],
      summary: "Forward to a live instance of the service (see the merged document for its API)",
    },
  };
  // One route per method rather than `.all`: the router tries method routes before `all`, so the
  // console's `GET /*` fallback would otherwise win over `GET /api/…`.
  const routes = new Elysia({ name: "gateway:proxy" });
  for (const method of METHODS) {
    routes.route(method, "/api/:service", forward as never, {
      ...route,
      params: t.Object({ service: t.String({ pattern: SERVICE }) }),
    });
    routes.route(method, "/api/:service/*", forward as never, route);
  }
  return routes;
}
