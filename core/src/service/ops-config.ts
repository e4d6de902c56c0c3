import { Elysia, t } from "elysia";
import type { ConfigClient } from "../config";

/** `GET /ops/config`: which release of its namespace this instance runs, from where, and whether it is live. */
export function configOpsRoutes(config: ConfigClient<unknown>) {
  return new Elysia({ name: "kit:ops-config" }).get(
    "/ops/config",
    () => {
      const snapshot = config.current();
      return { ...config.status(), hash: snapshot.hash, value: snapshot.value as Record<string, unknown> };
    },
    {
      response: t.Object({
        namespace: t.String(),
        version: t.Integer({ description: "0 while running on schema defaults" }),
        seen: t.Integer({ description: "The newest version this instance has heard of" }),
        source: t.Union([t.Literal("service"), t.Literal("cache"), t.Literal("defaults")]),
        streaming: t.Boolean(),
        fresh: t.Boolean(),
        hash: t.Nullable(t.String()),
        value: t.Record(t.String(), t.Unknown()),
      }),
      detail: {
        tags: ["ops"],
        summary: "The config release this instance applied, its source and whether the push stream is live",
      },
    },
  );
}
