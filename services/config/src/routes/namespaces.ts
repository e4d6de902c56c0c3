import { ProblemSchema, serviceTokenSecurity } from "@diana/core/service";
import { Elysia, t } from "elysia";
import { Author, Message, NamespaceName, NamespaceSchema, NamespaceSummarySchema } from "../contract";
import type { ReleaseStore } from "../domain/release-store";
import { schemaAdminGuard } from "./guard";
import { refusingInvalid } from "./refuse";

export const NsParams = t.Object({ ns: NamespaceName });

/** Namespaces and their schemas. Reading is open to the fleet; changing a schema needs the admin guard. */
export function namespaceRoutes(store: ReleaseStore, serviceToken: string) {
  return new Elysia({ name: "config:namespaces" })
    .get("/namespaces", async () => ({ namespaces: await store.listNamespaces() }), {
      response: t.Object({ namespaces: t.Array(NamespaceSummarySchema) }),
      detail: { tags: ["namespaces"], summary: "Every namespace with its current version" },
    })
    .get(
      "/namespaces/:ns",
      async ({ params }) => {
        const row = await store.namespace(params.ns);
        return {
          name: row.name,
          schema: row.jsonSchema as Record<string, unknown>,
          updatedBy: row.updatedBy,
          updatedAt: row.updatedAt.toISOString(),
        };
      },
      {
        params: NsParams,
        response: { 200: NamespaceSchema, 404: ProblemSchema },
        detail: { tags: ["namespaces"], summary: "A namespace and its JSON schema" },
      },
    )
    .put(
      "/namespaces/:ns/schema",
      ({ params, body, set, path }) =>
        refusingInvalid({ set, path }, () =>
          store.setSchema(params.ns, body.schema, body.author, body.reason),
        ),
      {
        beforeHandle: schemaAdminGuard(serviceToken),
        params: NsParams,
        body: t.Object({ schema: t.Record(t.String(), t.Unknown()), author: Author, reason: Message }),
        response: { 200: NamespaceSchema, 400: ProblemSchema, 401: ProblemSchema, 422: ProblemSchema },
        detail: {
          tags: ["namespaces"],
          security: serviceTokenSecurity,
          summary:
            "Set a namespace's JSON schema (creates the namespace); refused if the current release would not conform",
        },
      },
    );
}
