import type { Discovery } from "@diana/core/registry";
import { HttpError, ProblemSchema } from "@diana/core/service";
import { Elysia, t } from "elysia";
import { downstreamHeaders, upstreamHeaders } from "../domain/forward-headers";
import { roundRobin } from "../domain/round-robin";

export interface ProxyOptions {
  discovery: Discovery;
  /** Upper bound on one upstream exchange. Defaults to 30 s. */
  upstreamTimeoutMs?: number;
  fetch?: typeof fetch;
}

const SERVICE = "^[a-z][a-z0-9-]{1,39}$";
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * `/api/<service>/…` forwarded to a live instance of that service from the registry, in turn.
 * 503 naming the service when none is live; 502 when the chosen instance does not answer.
 */
export function proxyRoutes(options: ProxyOptions) {
  const balancer = roundRobin();
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.upstreamTimeoutMs ?? 30_000;

  const forward = async ({
    request,
    params,
    server,
    requestId,
    correlationId,
  }: {
    request: Request;
    params: { service: string };
    server: { requestIP(r: Request): { address: string } | null } | null;
    requestId: string;
    correlationId: string;
  }) => {
    const { service } = params;
    const instance = balancer.pick(service, await options.discovery.resolve(service));
    if (!instance) {
      throw new HttpError(
        503,
        "SERVICE_UNAVAILABLE",
        `no live instance of service "${service}" is registered`,
        { "retry-after": "1" },
      );
    }
    const url = new URL(request.url);
    const path = url.pathname.slice(`/api/${service}`.length) || "/";
    const headers = upstreamHeaders(request.headers, {
      requestId,
      correlationId,
      clientIp: server?.requestIP(request)?.address,
      proto: url.protocol.replace(":", ""),
      host: request.headers.get("host") ?? url.host,
    });
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    let upstream: Response;
    try {
      upstream = await doFetch(`${instance.url}${path}${url.search}`, {
        method: request.method,
        headers,
        body: hasBody ? await request.arrayBuffer() : undefined,
        redirect: "manual",
        signal: AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]),
      });
    } catch (e) {
      const timedOut = e instanceof DOMException && e.name === "TimeoutError";
      throw new HttpError(
        timedOut ? 504 : 502,
        timedOut ? "UPSTREAM_TIMEOUT" : "UPSTREAM_UNREACHABLE",
        `${service} instance ${instance.id} ${timedOut ? `did not answer within ${timeoutMs} ms` : "did not answer"}`,
        {},
        { cause: e },
      );
    }
    return new Response(upstream.body, {
      status: upstream.status,
      headers: downstreamHeaders(upstream.headers),
    });
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
