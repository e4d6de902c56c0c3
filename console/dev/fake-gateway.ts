// A stand-in for the gateway, for working on the console without the suite: the registry's routes
// (instances, services, history, drain, enable), every service's /ops/breakers, /ops/bus (DLQ browse,
// replay, purge) and /ops/outbox (requeue) with their actions, the config service's namespaces,
// releases, diff, preview, publish, rollback and instance acks, the monitor's journal, and sign-in (users viewer, operator and admin; password in dev/fake-auth.ts). Reads need a token,
// actions the operator role.
// Run: bun console/dev/fake-gateway.ts   then   DIANA_GATEWAY_URL=http://127.0.0.1:8099 bun run --cwd console dev
// FAKE_GUARD=1 engages mass-eviction protection. Not shipped; not part of the build.

import { authRoute, roleOf } from "./fake-auth";
import { act, breakersOf } from "./fake-breakers";
import * as config from "./fake-config";
import { historyOf, instances, services, setDrain } from "./fake-fleet";
import * as messaging from "./fake-messaging";

const port = Number(Bun.env.FAKE_GATEWAY_PORT ?? 8099);

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

const problem = (
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) =>
  Response.json(
    {
      type: "about:blank",
      title: TITLES[status] ?? "Error",
      status,
      code,
      detail,
      ...extra,
    },
    { status, headers: { ...headers, "content-type": "application/problem+json" } },
  );

/** A fake module's answer: its body, or a problem when the status is not 2xx. */
const answer = (o: { status: number; body: unknown; retryAfter?: number }) => {
  if (o.status < 300) return Response.json(o.body, { status: o.status });
  const { code, detail, ...extra } = o.body as { code: string; detail: string };
  const headers: Record<string, string> =
    o.retryAfter === undefined ? {} : { "retry-after": String(o.retryAfter) };
  return problem(o.status, code, detail, extra, headers);
};

const json = async (req: Request) => (await req.json().catch(() => ({}))) as Record<string, unknown>;

async function route(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname;
  const post = req.method === "POST";
  const signIn = await authRoute(req, path, (detail) => problem(401, "UNAUTHORIZED", detail));
  if (signIn) return signIn;
  const role = roleOf(req);
  if (path.startsWith("/api/") && !role)
    return problem(401, "UNAUTHORIZED", "this route needs a bearer token");
  if (post && role === "viewer") return problem(403, "FORBIDDEN", "this operation needs the operator role");
  if (path === "/api/registry/services") return Response.json({ services: services() });
  if (path === "/api/registry/instances") return Response.json(instances());

  const instance = path.match(/^\/api\/registry\/instances\/([^/]+)\/(history|drain|enable)$/);
  if (instance) {
    const [, id = "", what] = instance;
    if (what === "history" && !post) {
      const history = historyOf(id, Number(url.searchParams.get("limit") ?? 100));
      return history ? Response.json({ history }) : problem(404, "INSTANCE_NOT_FOUND", `no instance ${id}`);
    }
    if (what === "drain" && post) {
      const { reason } = (await req.json().catch(() => ({}))) as { reason?: unknown };
      if (typeof reason !== "string" || reason.length < 3 || reason.length > 500)
        return problem(400, "VALIDATION", "reason must be 3–500 characters");
      const drained = setDrain(id, reason);
      return drained ? Response.json(drained) : problem(404, "INSTANCE_NOT_FOUND", `no instance ${id}`);
    }
    if (what === "enable" && post) {
      const enabled = setDrain(id, null);
      return enabled ? Response.json(enabled) : problem(404, "INSTANCE_NOT_FOUND", `no instance ${id}`);
    }
  }

  if (path === "/api/monitor/journal" && !post)
    return answer(config.journal(Number(url.searchParams.get("limit") ?? 50), url.searchParams.get("type")));
  if (path === "/api/config/namespaces" && !post) return Response.json(config.namespaces());
  const cfg = path.match(
    /^\/api\/config\/namespaces\/([a-z0-9-]+)\/(releases|releases\/preview|diff|instances|rollback)$/,
  );
  if (cfg) {
    const [, ns = "", what] = cfg;
    const author = role ?? "unknown";
    if (what === "releases" && !post)
      return answer(config.history(ns, Number(url.searchParams.get("limit") ?? 20)));
    if (what === "releases" && post) return answer(config.publish(ns, await json(req), author));
    if (what === "releases/preview" && post)
      return answer(config.preview(ns, ((await json(req)).content ?? {}) as Record<string, unknown>));
    if (what === "diff" && !post)
      return answer(
        config.diffOf(ns, Number(url.searchParams.get("from")), Number(url.searchParams.get("to"))),
      );
    if (what === "instances" && !post) return answer(config.acks(ns));
    if (what === "rollback" && post) return answer(config.rollback(ns, await json(req), author));
  }

  const bus = path.match(
    /^\/api\/([a-z-]+)\/ops\/(bus|bus\/dlq|bus\/dlq\/replay|bus\/dlq\/purge|outbox|outbox\/requeue)$/,
  );
  if (bus) {
    const [, service = "", what] = bus;
    const known = services().some((s) => s.name === service && s.status === "healthy");
    if (!known) return problem(503, "NO_INSTANCE", `no routable instance of ${service}`);
    const consumer = url.searchParams.get("consumer") ?? undefined;
    if (what === "bus" && !post) return Response.json(messaging.busOf(service));
    if (what === "outbox" && !post)
      return Response.json(messaging.outboxOf(service, Number(url.searchParams.get("limit") ?? 50)));
    if (what === "bus/dlq" && !post)
      return answer(messaging.browse(service, consumer, Number(url.searchParams.get("limit") ?? 100)));
    if (what === "bus/dlq/replay" && post) {
      const body = await json(req);
      return answer(
        messaging.replay(service, body.consumer as string | undefined, body.ids as string[] | undefined),
      );
    }
    if (what === "bus/dlq/purge" && post)
      return answer(messaging.purge(service, (await json(req)).consumer as string | undefined));
    if (what === "outbox/requeue" && post)
      return answer(messaging.requeue(service, (await json(req)) as { ids?: string[]; all?: true }));
  }

  const ops = path.match(/^\/api\/([a-z-]+)\/ops\/breakers(?:\/([^/]+)\/([a-z-]+))?$/);
  if (ops) {
    const [, service = "", name, action] = ops;
    const known = services().some((s) => s.name === service && s.status === "healthy");
    if (!known) return problem(503, "NO_INSTANCE", `no routable instance of ${service}`);
    if (!name && !post) return Response.json(breakersOf(service, known));
    if (name && action && post) {
      const done = act(service, decodeURIComponent(name), action);
      if (done === null) return problem(400, "VALIDATION", `no action ${action}`);
      return done ? Response.json(done) : problem(404, "BREAKER_NOT_FOUND", `no breaker named ${name}`);
    }
  }
  return problem(404, "NOT_FOUND", `no route ${req.method} ${path}`);
}

Bun.serve({ port, hostname: "127.0.0.1", fetch: route });
console.log(`fake gateway on http://127.0.0.1:${port}`);
