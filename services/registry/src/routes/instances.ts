import { HttpError, ProblemSchema, requireServiceToken, serviceTokenSecurity } from "@diana/core/service";
import { Elysia, t } from "elysia";
import { InstanceSchema, RegistrationSchema, ServiceSummarySchema } from "../contract";
import type { InstanceStore } from "../domain/instance-store";
import { summarise } from "../domain/service-summary";

const IdParams = t.Object({ id: t.String({ pattern: "^[a-z0-9][a-z0-9-]{2,99}$" }) });
const notFound = (id: string) => new HttpError(404, "INSTANCE_NOT_FOUND", `no instance ${id} is registered`);

/** Registration, heartbeats and listing. Writes need the service token; reads are open to the fleet. */
export function instanceRoutes(store: InstanceStore, serviceToken: string) {
  const guard = requireServiceToken(serviceToken);
  const write = { tags: ["instances"], security: serviceTokenSecurity };
  return new Elysia({ name: "registry:instances" })
    .get(
      "/instances",
      async ({ query }) => ({
        instances: (await store.list()).filter((i) => !query.service || i.service === query.service),
      }),
      {
        query: t.Object({ service: t.Optional(t.String({ pattern: "^[a-z][a-z0-9-]{1,39}$" })) }),
        response: t.Object({ instances: t.Array(InstanceSchema) }),
        detail: {
          tags: ["instances"],
          summary: "Every listed instance with its status, version, URL and last heartbeat",
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
    .get("/services", async () => ({ services: summarise(await store.list()) }), {
      response: t.Object({ services: t.Array(ServiceSummarySchema) }),
      detail: { tags: ["instances"], summary: "Instances grouped by service: healthy while one is passing" },
    })
    .post(
      "/instances",
      async ({ body, set }) => {
        set.status = 201;
        return store.register(body);
      },
      {
        beforeHandle: guard,
        body: RegistrationSchema,
        response: { 201: InstanceSchema, 400: ProblemSchema, 401: ProblemSchema },
        detail: { ...write, summary: "Register an instance (call once it is ready)" },
      },
    )
    .put(
      "/instances/:id/heartbeat",
      async ({ params }) => {
        const renewed = await store.heartbeat(params.id);
        if (!renewed) throw notFound(params.id);
        return renewed;
      },
      {
        beforeHandle: guard,
        params: IdParams,
        response: { 200: InstanceSchema, 401: ProblemSchema, 404: ProblemSchema },
        detail: { ...write, summary: "Renew an instance's TTL; 404 means register again" },
      },
    )
    .delete(
      "/instances/:id",
      async ({ params, set }) => {
        if (!(await store.deregister(params.id))) throw notFound(params.id);
        set.status = 204;
      },
      {
        beforeHandle: guard,
        params: IdParams,
        response: { 401: ProblemSchema, 404: ProblemSchema },
        detail: {
          ...write,
          summary: "Deregister an instance (it stays listed as left)",
          responses: { 204: { description: "Deregistered" } },
        },
      },
    );
}
