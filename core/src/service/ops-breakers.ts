import { Elysia, t } from "elysia";
import type { BreakerSet } from "../resilience";
import { HttpError } from "./problem";
import { ProblemSchema } from "./problem-schema";

const BreakerViewSchema = t.Object({
  name: t.String(),
  upstream: t.Nullable(t.String()),
  state: t.String({ description: "closed, open, half-open, forced-open or disabled" }),
  mode: t.Union([
    t.Literal("normal"),
    t.Literal("forced-open"),
    t.Literal("disabled"),
    t.Literal("metrics-only"),
  ]),
  window: t.Object({
    calls: t.Integer(),
    failures: t.Integer(),
    slow: t.Integer(),
    failureRate: t.Number(),
    slowRate: t.Number(),
  }),
  config: t.Record(t.String(), t.Unknown()),
  transitions: t.Array(
    t.Object({
      from: t.String(),
      to: t.String(),
      at: t.String({ format: "date-time" }),
      reason: t.Record(t.String(), t.Unknown(), {
        description: "Which threshold, at what rate; or the manual action",
      }),
    }),
  ),
});

const ACTIONS = {
  reset: "reset",
  "force-open": "forceOpen",
  disable: "disable",
  "metrics-only": "metricsOnly",
} as const;

/**
 * `GET /ops/breakers` lists every breaker of the service with its window, config and last
 * transitions; `POST /ops/breakers/:name/{reset|force-open|disable|metrics-only}` acts on one.
 */
export function breakerOpsRoutes(breakers: BreakerSet) {
  return new Elysia({ name: "kit:ops-breakers" })
    .get("/ops/breakers", () => ({ breakers: breakers.list() as never[] }), {
      response: t.Object({ breakers: t.Array(BreakerViewSchema) }),
      detail: {
        tags: ["ops"],
        summary: "Every circuit breaker: state, window stats, config and recent transitions",
      },
    })
    .post(
      "/ops/breakers/:name/:action",
      ({ params }) => {
        const breaker = breakers.get(params.name);
        if (!breaker) throw new HttpError(404, "BREAKER_NOT_FOUND", `no breaker named ${params.name}`);
        const action = ACTIONS[params.action as keyof typeof ACTIONS];
        breaker[action]();
        return breakers.list().find((b) => b.name === params.name) as never;
      },
      {
        params: t.Object({
          name: t.String({ minLength: 1, maxLength: 200 }),
          action: t.Union(Object.keys(ACTIONS).map((a) => t.Literal(a as keyof typeof ACTIONS))),
        }),
        response: { 200: BreakerViewSchema, 404: ProblemSchema },
        detail: {
          tags: ["ops"],
          summary: "Reset a breaker, force it open, disable it, or switch it to metrics-only (a dry run)",
        },
      },
    );
}
