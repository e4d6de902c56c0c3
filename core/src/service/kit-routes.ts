import { Elysia, t } from "elysia";
import type { ServiceMetrics } from "../metrics";
import type { ServiceInfo } from "./create-service";
import { checkReadiness, type ReadinessCheck } from "./health";

const infoSchema = t.Object({
  name: t.String(),
  version: t.String(),
  instanceId: t.String(),
  url: t.String(),
  infra: t.Union([t.Literal("embedded"), t.Literal("real")]),
  startedAt: t.String({ format: "date-time" }),
  uptimeSeconds: t.Number(),
  pid: t.Integer(),
  runtime: t.String(),
});

const checkSchema = t.Object({
  status: t.Union([t.Literal("up"), t.Literal("down")]),
  durationMs: t.Number(),
  error: t.Optional(t.String()),
});

const readySchema = t.Object({
  status: t.Union([t.Literal("ready"), t.Literal("not_ready")]),
  reason: t.Optional(t.String()),
  checks: t.Record(t.String(), checkSchema),
});

/** The path of a request URL without parsing it (cheaper than `new URL` on every request). */

export interface KitRouteOptions {
  checks: ReadonlyMap<string, ReadinessCheck>;
  checkTimeoutMs: number;
  /** Why the service is stopping, once it is: readiness then answers 503 with it. */
  stopping: () => string | undefined;
  metrics: ServiceMetrics;
  info: ServiceInfo;
  now: () => number;
  startedAt: number;
}

/** `/health/live`, `/health/ready`, `/metrics` and `/ops/info`: the surface every service shares. */
export function kitRoutes({
  checks,
  checkTimeoutMs,
  stopping,
  metrics,
  info,
  now,
  startedAt,
}: KitRouteOptions) {
  return new Elysia({ name: `kit:routes:${info.instanceId}` })
    .get("/health/live", () => ({ status: "live" as const }), {
      response: t.Object({ status: t.Literal("live") }),
      detail: { tags: ["health"], summary: "The process is up" },
    })
    .get(
      "/health/ready",
      async ({ set }) => {
        const report = await checkReadiness(checks, checkTimeoutMs, stopping());
        if (report.status !== "ready") set.status = 503;
        return report;
      },
      {
        response: { 200: readySchema, 503: readySchema },
        detail: { tags: ["health"], summary: "Every dependency answers; 503 with per-check detail when not" },
      },
    )
    .get(
      "/metrics",
      async ({ set }) => {
        set.headers["content-type"] = metrics.registry.contentType;
        return metrics.render();
      },
      { response: t.String(), detail: { tags: ["ops"], summary: "Prometheus metrics" } },
    )
    .get(
      "/ops/info",
      () => ({
        ...info,
        uptimeSeconds: Math.round((now() - startedAt) / 1000),
        pid: process.pid,
        runtime: `bun ${Bun.version}`,
      }),
      {
        response: infoSchema,
        detail: { tags: ["ops"], summary: "Name, version, instance id, start time and infrastructure mode" },
      },
    );
}
