import { withRole } from "@diana/core/auth";
import { ReleaseSchema } from "@diana/core/config";
import { ProblemSchema } from "@diana/core/service";
import { Elysia, t } from "elysia";
import { AuditEntrySchema, ChangeSchema, Content, Message } from "../contract";
import { ReleaseNotFoundError } from "../domain/errors";
import { jsonDiff } from "../domain/json-diff";
import type { ReleaseStore } from "../domain/release-store";
import { contentIssues } from "../domain/schema-check";
import { authorOf } from "./author";
import { NsParams } from "./namespaces";
import { refusingInvalid } from "./refuse";

const tags = ["releases"];
const Version = t.Integer({ minimum: 1 });
const etagOf = (version: number) => `"v${version}"`;

const writeErrors = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  422: ProblemSchema,
};

/**
 * Publish, preview, history, diff, rollback and audit. Reads need a viewer; publish, preview and
 * rollback an operator, whose name becomes the release's author. `onRelease` runs after each commit.
 */
export function releaseRoutes(store: ReleaseStore, onRelease: (r: typeof ReleaseSchema.static) => void) {
  return new Elysia({ name: "config:releases" })
    .get(
      "/namespaces/:ns/releases/current",
      async ({ params, request, set }) => {
        await store.exists(params.ns);
        const current = await store.current(params.ns);
        if (!current) throw new ReleaseNotFoundError(params.ns);
        const etag = etagOf(current.version);
        // Clients revalidate by version: an unchanged namespace costs one small 304.
        if (request.headers.get("if-none-match") === etag)
          return new Response(null, { status: 304, headers: { etag } }) as unknown as typeof current;
        set.headers.etag = etag;
        return current;
      },
      {
        params: NsParams,
        response: { 200: ReleaseSchema, 404: ProblemSchema },
        detail: {
          tags,
          summary: 'The current release; `If-None-Match: "v<version>"` answers 304 when it is still current',
          responses: { 304: { description: "The version in If-None-Match is still current" } },
        },
      },
    )
    .get("/namespaces/:ns/releases/:version", ({ params }) => store.version(params.ns, params.version), {
      params: t.Object({ ns: NsParams.properties.ns, version: Version }),
      response: { 200: ReleaseSchema, 404: ProblemSchema },
      detail: { tags, summary: "One release" },
    })
    .get(
      "/namespaces/:ns/releases",
      async ({ params, query }) => ({
        releases: await store.history(params.ns, { limit: query.limit ?? 20, before: query.before }),
      }),
      {
        params: NsParams,
        query: t.Object({
          limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
          before: t.Optional(Version),
        }),
        response: { 200: t.Object({ releases: t.Array(ReleaseSchema) }), 404: ProblemSchema },
        detail: { tags, summary: "History, newest first; page back with `before`" },
      },
    )
    .post(
      "/namespaces/:ns/releases",
      (context) => {
        const { params, body, set, path } = context;
        return refusingInvalid({ set, path }, async () => {
          const release = await store.publish(params.ns, { ...body, author: authorOf(context) });
          onRelease(release);
          set.status = 201;
          return release;
        });
      },
      {
        params: NsParams,
        body: t.Object({ content: Content, message: Message }),
        response: { 201: ReleaseSchema, ...writeErrors },
        detail: withRole("operator", {
          tags,
          summary:
            "Publish a release, authored by the signed-in user; refused with every schema error listed when invalid",
        }),
      },
    )
    .post(
      "/namespaces/:ns/releases/preview",
      async ({ params, body }) => {
        const ns = await store.namespace(params.ns);
        const current = await store.current(params.ns);
        return {
          baseVersion: current?.version ?? null,
          errors: contentIssues(ns.jsonSchema as Record<string, unknown>, body.content),
          changes: jsonDiff(current?.content ?? {}, body.content),
        };
      },
      {
        params: NsParams,
        body: t.Object({ content: Content }),
        response: {
          200: t.Object({
            baseVersion: t.Nullable(t.Integer()),
            errors: t.Array(t.Object({ pointer: t.String(), detail: t.String() }), {
              description: "Empty when a publish would be accepted",
            }),
            changes: t.Array(ChangeSchema),
          }),
          ...writeErrors,
        },
        detail: withRole("operator", {
          tags,
          summary: "What a publish would change and whether it would be accepted; writes nothing",
        }),
      },
    )
    .get(
      "/namespaces/:ns/diff",
      async ({ params, query }) => {
        const [from, to] = await Promise.all([
          store.version(params.ns, query.from),
          store.version(params.ns, query.to),
        ]);
        return { from: from.version, to: to.version, changes: jsonDiff(from.content, to.content) };
      },
      {
        params: NsParams,
        query: t.Object({ from: Version, to: Version }),
        response: {
          200: t.Object({ from: t.Integer(), to: t.Integer(), changes: t.Array(ChangeSchema) }),
          404: ProblemSchema,
        },
        detail: { tags, summary: "The changes from one version to another" },
      },
    )
    .post(
      "/namespaces/:ns/rollback",
      async (context) => {
        const { params, body, set } = context;
        const release = await store.rollback(params.ns, body.version, {
          message: body.message,
          author: authorOf(context),
        });
        onRelease(release);
        set.status = 201;
        return release;
      },
      {
        params: NsParams,
        body: t.Object({ version: Version, message: Message }),
        response: { 201: ReleaseSchema, ...writeErrors },
        detail: withRole("operator", {
          tags,
          summary:
            "Publish a new release whose content equals an older version's, authored by the signed-in user",
        }),
      },
    )
    .get(
      "/namespaces/:ns/audit",
      async ({ params, query }) => ({ entries: await store.audit(params.ns, query.limit ?? 50) }),
      {
        params: NsParams,
        query: t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 500, default: 50 })) }),
        response: { 200: t.Object({ entries: t.Array(AuditEntrySchema) }), 404: ProblemSchema },
        detail: { tags: ["audit"], summary: "Who did what, when and why; newest first" },
      },
    );
}
