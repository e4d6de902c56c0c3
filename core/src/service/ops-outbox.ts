import { Elysia, t } from "elysia";
import type { Registry } from "prom-client";
import { bindOutboxMetrics } from "../outbox/metrics";
import type { OutboxOps } from "../outbox/types";
import { HttpError } from "./problem";
import { ProblemSchema } from "./problem-schema";

const DeadRowSchema = t.Object({
  id: t.String(),
  type: t.String(),
  aggregateId: t.String(),
  attempts: t.Integer(),
  lastError: t.Nullable(t.String()),
  createdAt: t.String({ format: "date-time" }),
});

const OutboxViewSchema = t.Object({
  pending: t.Integer({ description: "Pending rows, across every relay of the service" }),
  oldestPendingAgeSeconds: t.Number(),
  dead: t.Integer(),
  relayLagMs: t.Nullable(
    t.Number({ description: "Insert → broker confirm of this instance's newest publish" }),
  ),
  lastPublishAt: t.Nullable(t.String({ format: "date-time" })),
  notifyGate: t.Union([t.Literal("quiet"), t.Literal("notifying"), t.Literal("off")], {
    description:
      "quiet: this instance's relay is busy claiming and producers leave out NOTIFY; notifying: they notify; off: no gate (PGlite, or turned off)",
  }),
  published: t.Integer({ description: "Publishes this instance's relay confirmed since start" }),
  failed: t.Integer(),
  unroutable: t.Integer(),
  deadRows: t.Array(DeadRowSchema, { description: "The newest dead rows, at most `limit`" }),
});

const RequeueBodySchema = t.Object(
  {
    ids: t.Optional(
      t.Array(t.String({ format: "uuid" }), {
        minItems: 1,
        maxItems: 1_000,
        description: "Dead rows to requeue",
      }),
    ),
    all: t.Optional(t.Literal(true, { description: "Requeue every dead row" })),
  },
  { description: "Exactly one of `ids` and `all`" },
);

/**
 * `GET /ops/outbox` (backlog, oldest pending age, dead rows, relay lag, last publish) and
 * `POST /ops/outbox/requeue` (dead → pending, by `ids` or `all: true`), plus the outbox metrics on the
 * service's registry. Without an outbox the plugin is empty.
 */
export function outboxOpsRoutes(ops: OutboxOps | undefined, registry: Registry) {
  const plugin = new Elysia({ name: "kit:ops-outbox" });
  if (!ops) return plugin;
  bindOutboxMetrics(ops, registry);
  return plugin
    .get(
      "/ops/outbox",
      async ({ query }) => {
        const [stats, deadRows] = await Promise.all([ops.stats(), ops.dead({ limit: query.limit ?? 50 })]);
        return { ...stats, deadRows };
      },
      {
        query: t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 500 })) }),
        response: OutboxViewSchema,
        detail: {
          tags: ["ops"],
          summary: "Outbox health: backlog, oldest pending age, dead rows, relay lag and last publish",
        },
      },
    )
    .post(
      "/ops/outbox/requeue",
      ({ body }) => {
        if ((body.ids === undefined) === (body.all === undefined)) {
          throw new HttpError(400, "VALIDATION_FAILED", "give exactly one of `ids` and `all: true`");
        }
        return ops.requeue(body.ids ? { ids: body.ids } : { all: true });
      },
      {
        body: RequeueBodySchema,
        response: { 200: t.Object({ requeued: t.Integer() }), 400: ProblemSchema },
        detail: {
          tags: ["ops"],
          summary: "Put dead outbox rows back to pending with a fresh attempt count: by ids, or all",
        },
      },
    );
}
