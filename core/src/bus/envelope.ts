import { Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { InvalidEventError } from "./errors";
import type { Clock, EncodedEvent, EventEnvelope, EventSchemas, PublishInput } from "./types";

/** The CloudEvents 1.0 attributes Diana uses, as a TypeBox schema (structured JSON mode). */
export const EnvelopeSchema = Type.Object({
  specversion: Type.Literal("1.0"),
  id: Type.String({ minLength: 1 }),
  source: Type.String({ minLength: 1 }),
  type: Type.String({ minLength: 1 }),
  time: Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$" }),
  subject: Type.Optional(Type.String()),
  datacontenttype: Type.Literal("application/json"),
  data: Type.Unknown(),
  traceparent: Type.Optional(Type.String({ pattern: "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$" })),
  correlationid: Type.Optional(Type.String()),
  causationid: Type.Optional(Type.String()),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 9 })),
});

const envelopeChecker = TypeCompiler.Compile(EnvelopeSchema);

/** Where the envelope's own attributes come from. */
export interface EnvelopeDefaults {
  source: string;
  /** Defaults to `Date`. */
  clock?: Clock;
  /** Defaults to `Bun.randomUUIDv7` at the clock's time. */
  newId?: (nowMs: number) => string;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Wraps a publish input in a CloudEvents envelope and checks the envelope's own attributes (the
 * payload is checked against the catalogue separately).
 *
 * @example
 * createEnvelope({ type: "order.placed", data, subject: orderId }, { source: "/services/trading" });
 */
export function createEnvelope<S extends EventSchemas>(
  input: PublishInput<S>,
  defaults: EnvelopeDefaults,
): EventEnvelope {
  const now = (defaults.clock ?? systemClock).now();
  const envelope: EventEnvelope = {
    specversion: "1.0",
    id: input.id ?? (defaults.newId ? defaults.newId(now) : Bun.randomUUIDv7("hex", now)),
    source: defaults.source,
    type: input.type,
    time: input.time ?? new Date(now).toISOString(),
    datacontenttype: "application/json",
    data: input.data,
  };
  for (const key of ["subject", "traceparent", "correlationid", "causationid", "priority"] as const) {
    if (input[key] !== undefined) Object.assign(envelope, { [key]: input[key] });
  }
  if (!envelopeChecker.Check(envelope)) {
    const issues = [...envelopeChecker.Errors(envelope)].map((e) => ({ path: e.path, message: e.message }));
    throw new InvalidEventError(input.type, issues);
  }
  return envelope;
}

/**
 * The body of an {@link EncodedEvent}: its stored JSON with `traceparent` put in front — spliced in as
 * text, so the envelope is neither parsed nor encoded again.
 */
export function encodedBody(event: EncodedEvent): string {
  const { json, traceparent } = event;
  if (traceparent === undefined) return json;
  const rest = json.slice(1).trimStart();
  return `{"traceparent":${JSON.stringify(traceparent)}${rest.startsWith("}") ? "" : ","}${rest}`;
}

const utf8 = new TextDecoder();

export type ParsedEnvelope = { ok: true; envelope: EventEnvelope } | { ok: false; reason: string };

/** Parses a received body (bytes, text or an already decoded object) into an envelope, or says why not. */
export function parseEnvelope(body: unknown): ParsedEnvelope {
  let value = body;
  if (body instanceof Uint8Array) value = utf8.decode(body);
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch (error) {
      return { ok: false, reason: `body is not JSON: ${(error as Error).message}` };
    }
  }
  if (!envelopeChecker.Check(value)) {
    const issues = [...envelopeChecker.Errors(value)].map((e) => `${e.path || "/"}: ${e.message}`);
    return { ok: false, reason: `not a CloudEvents envelope: ${issues.join("; ")}` };
  }
  return { ok: true, envelope: value as EventEnvelope };
}
