import { createHash } from "node:crypto";
import { type Static, Type } from "@sinclair/typebox";

/** A namespace name: a service name or `global`. */
export const NamespaceName = Type.String({
  pattern: "^[a-z][a-z0-9-]{1,39}$",
  description: "e.g. `trading` or `global`",
});

/** One immutable configuration release, as the config service serves it and the client receives it. */
export const ReleaseSchema = Type.Object({
  namespace: NamespaceName,
  /** Counts up from 1 per namespace. */
  version: Type.Integer({ minimum: 1 }),
  content: Type.Record(Type.String(), Type.Unknown()),
  /** sha256 of the canonical JSON of `content`, hex. */
  hash: Type.String({ pattern: "^[0-9a-f]{64}$" }),
  author: Type.String(),
  message: Type.String(),
  /** The version whose content this release restored, when it is a rollback. */
  rollbackOf: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
});
export type Release = Static<typeof ReleaseSchema>;

/** What an instance reports after a release reached it. */
export const AppliedReportSchema = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  status: Type.Union([Type.Literal("applied"), Type.Literal("rejected")]),
  /** Why a release was rejected (its validation errors). */
  reason: Type.Optional(Type.String({ maxLength: 2_000 })),
  /** The version the instance runs after this report: `version` when applied, the last good one when rejected. */
  runningVersion: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type AppliedReport = Static<typeof AppliedReportSchema>;

/** The SSE event name of a release on `GET /namespaces/:ns/stream`; the event id is the version. */
export const RELEASE_EVENT = "release";

/**
 * JSON with object keys sorted at every depth and no whitespace, so equal content has one text and
 * one hash whatever order its keys were written in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** sha256 (hex) of {@link canonicalJson}: a release's content hash. */
export function contentHash(content: unknown): string {
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}
