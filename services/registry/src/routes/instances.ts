import { withRole } from "@diana/core/auth";
import { HttpError, ProblemSchema } from "@diana/core/service";
import { Elysia, t } from "elysia";
import {
  GuardSchema,
  HistoryEntrySchema,
  type InstanceChange,
  InstanceSchema,
  RegistrationSchema,
  ServiceSummarySchema,
} from "../contract";
import type { FleetFeed } from "../domain/fleet-feed";
import type { History } from "../domain/history";
import type { InstanceStore } from "../domain/instance-store";
import type { Reconciler } from "../domain/reconciler";
import { summarise } from "../domain/service-summary";

export interface InstanceRouteDeps {
  store: InstanceStore;
  history: History;
  reconciler: Reconciler;
  feed: FleetFeed;
  now?: () => number;
}

const IdParams = t.Object({ id: t.String({ pattern: "^[a-z0-9][a-z0-9-]{2,99}$" }) });
const notFound = (id: string) => new HttpError(404, "INSTANCE_NOT_FOUND", `no instance ${id} is registered`);

/**
 * Registration, heartbeats, drains, history and listing. Instances register, renew and leave with a
 * service token; draining and enabling need an operator; reads a viewer (or any service).
 */
export function instanceRoutes({ store, history, reconciler, feed, now = Date.now }: InstanceRouteDeps) {
  const tags = ["instances"];
  const iso = () => new Date(now()).toISOString();
  const recorded = async (id: string, service: string, status: InstanceChange, reason: string) => {
    await history.append({ instanceId: id, service, status, reason });
    void feed.poke();
  };

  return new Elysia({ name: "registry:instances" })
    .get(
      "/instances",
      async ({ query }) => {
        const view = await store.view();
        return {
          ...view,
          instances: view.instances.filter((i) => !query.service || i.service === query.service),
        };
      },
      {
        query: t.Object({ service: t.Optional(t.String({ pattern: "^[a-z][a-z0-9-]{1,39}$" })) }),
        response: t.Object({ instances: t.Array(InstanceSchema), guard: GuardSchema }),
        detail: {
          tags: ["instances"],
          summary: "Every listed instance with its status, drain, last check and heartbeat",
        },
      },
    )
    .get(
      "/instances/:id",
      async ({ params }) => {
        const found = await store.get(params.id);
        if (!found) throw notFound(params.id);
        return found;
      },
      {
        params: IdParams,
        response: { 200: InstanceSchema, 404: ProblemSchema },
        detail: { tags: ["instances"], summary: "One instance" },
      },
    )
    .get(
      "/instances/:id/history",
      async ({ params, query }) => ({ history: await history.list(params.id, query.limit ?? 100) }),
      {
        params: IdParams,
        query: t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })) }),
        response: t.Object({ history: t.Array(HistoryEntrySchema) }),
        detail: {
          tags: ["instances"],
          summary: "Status changes of an instance with their reasons, newest first",
        },
      },
    )
    .get("/services", async () => ({ services: summarise(await store.list()) }), {
      response: t.Object({ services: t.Array(ServiceSummarySchema) }),
      detail: { tags: ["instances"], summary: "Instances grouped by service: healthy while one is routable" },
    })
    .post(
      "/instances",
      async ({ body, set }) => {
        const record = await store.register(body);
        reconciler.observe(record.id, record.status);
        await recorded(record.id, record.service, "registered", `version ${record.version} at ${record.url}`);
        set.status = 201;
        return record;
      },
      {
        body: RegistrationSchema,
        response: { 201: InstanceSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
        detail: withRole("service", { tags, summary: "Register an instance (call once it is ready)" }),
      },
    )
    .put(
      "/instances/:id/heartbeat",
      async ({ params, body, set }) => {
        if (!(await store.heartbeat(params.id, body?.configVersion))) throw notFound(params.id);
        set.status = 204;
      },
      {
        params: IdParams,
        body: t.Optional(t.Object({ configVersion: t.Optional(t.Nullable(t.Integer({ minimum: 0 }))) })),
        response: { 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
        detail: withRole("service", {
          tags,
          summary: "Renew an instance's TTL; 404 means register again",
          responses: { 204: { description: "Renewed" } },
        }),
      },
    )
    .post(
      "/instances/:id/drain",
      async ({ params, body }) => {
        const stored = await store.setDrain(params.id, { reason: body.reason, at: iso() });
        if (!stored) throw notFound(params.id);
        await recorded(stored.id, stored.service, "drained", body.reason);
        return (await store.get(params.id))!;
      },
      {
        params: IdParams,
        body: t.Object({ reason: t.String({ minLength: 3, maxLength: 500 }) }),
        response: {
          200: InstanceSchema,
          400: ProblemSchema,
          401: ProblemSchema,
          403: ProblemSchema,
          404: ProblemSchema,
        },
        detail: withRole("operator", {
          tags,
          summary: "Take an instance out of rotation with a reason; it stays listed",
        }),
      },
    )
    .post(
      "/instances/:id/enable",
      async ({ params }) => {
        const stored = await store.setDrain(params.id, null);
        if (!stored) throw notFound(params.id);
        await recorded(stored.id, stored.service, "enabled", "returned to rotation");
        return (await store.get(params.id))!;
      },
      {
        params: IdParams,
        response: { 200: InstanceSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
        detail: withRole("operator", { tags, summary: "Put a drained instance back into rotation" }),
      },
    )
    .delete(
      "/instances/:id",
      async ({ params, set }) => {
        const stored = await store.deregister(params.id);
        if (!stored) throw notFound(params.id);
        reconciler.observe(stored.id, "left");
        await recorded(stored.id, stored.service, "left", "deregistered");
        set.status = 204;
      },
      {
        params: IdParams,
        response: { 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
        detail: withRole("service", {
          tags,
          summary: "Deregister an instance (it stays listed as left)",
          responses: { 204: { description: "Deregistered" } },
        }),
      },
    );
}
