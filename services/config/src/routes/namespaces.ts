import { withRole } from "@diana/core/auth";
import { ProblemSchema } from "@diana/core/service";
import { Elysia, t } from "elysia";
import { Message, NamespaceName, NamespaceSchema, NamespaceSummarySchema } from "../contract";
import type { ReleaseStore } from "../domain/release-store";
import { authorOf } from "./author";
import { refusingInvalid } from "./refuse";

export const NsParams = t.Object({ ns: NamespaceName });

/** Namespaces and their schemas. Reading needs a viewer (or any service); changing a schema needs an admin. */
export function namespaceRoutes(store: ReleaseStore) {
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
      (context) => {
        const { params, body, set, path } = context;
        return refusingInvalid({ set, path }, () =>
          store.setSchema(params.ns, body.schema, authorOf(context), body.reason),
        );
      },
      {
        params: NsParams,
        body: t.Object({ schema: t.Record(t.String(), t.Unknown()), reason: Message }),
        response: {
          200: NamespaceSchema,
          400: ProblemSchema,
          401: ProblemSchema,
          403: ProblemSchema,
          422: ProblemSchema,
        },
        detail: withRole("admin", {
          tags: ["namespaces"],
          summary:
            "Set a namespace's JSON schema (creates the namespace); refused if the current release would not conform. The signed-in user is recorded as the author",
        }),
      },
    );
}
