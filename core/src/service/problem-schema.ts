import { t } from "elysia";

/** JSON schema for problem+json, for route `response` maps. */
export const ProblemSchema = t.Object(
  {
    type: t.String(),
    title: t.String(),
    status: t.Integer(),
    detail: t.Optional(t.String()),
    code: t.String(),
    requestId: t.Optional(t.String()),
    errors: t.Optional(t.Array(t.Object({ pointer: t.String(), detail: t.String() }))),
  },
  { additionalProperties: true },
);
