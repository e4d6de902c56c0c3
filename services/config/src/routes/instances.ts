import { withRole } from "@diana/core/auth";
import { AppliedReportSchema } from "@diana/core/config";
import { ProblemSchema } from "@diana/core/service";
import { Elysia, t } from "elysia";
import { InstanceAckSchema, NamespaceName } from "../contract";
import type { ReleaseStore } from "../domain/release-store";
import { NsParams } from "./namespaces";

const InstanceParams = t.Object({
  ns: NamespaceName,
  instanceId: t.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$" }),
});

/** Applied-version acks from the fleet (service tokens only), and the drift view built from them. */
export function instanceRoutes(store: ReleaseStore) {
  return new Elysia({ name: "config:instances" })
    .post(
      "/namespaces/:ns/instances/:instanceId/applied",
      async ({ params, body }) => {
        await store.recordApplied(params.ns, params.instanceId, body);
        return { recorded: true as const };
      },
      {
        params: InstanceParams,
        body: AppliedReportSchema,
        response: {
          200: t.Object({ recorded: t.Literal(true) }),
          400: ProblemSchema,
          401: ProblemSchema,
          403: ProblemSchema,
          404: ProblemSchema,
        },
        detail: withRole("service", {
          tags: ["instances"],
          summary: "An instance reports that it applied (or rejected) a release",
        }),
      },
    )
    .get(
      "/namespaces/:ns/instances",
      async ({ params }) => {
        const [acks, current] = await Promise.all([store.acks(params.ns), store.current(params.ns)]);
        const head = current?.version ?? 0;
        return {
          namespace: params.ns,
          current: current?.version ?? null,
          instances: acks.map((a) => ({ ...a, lagging: (a.runningVersion ?? 0) < head })),
        };
      },
      {
        params: NsParams,
        response: {
          200: t.Object({
            namespace: t.String(),
            current: t.Nullable(t.Integer()),
            instances: t.Array(InstanceAckSchema),
          }),
          404: ProblemSchema,
        },
        detail: {
          tags: ["instances"],
          summary: "Which instance runs which version, and which lag or rejected a release",
        },
      },
    );
}
