import type { AttemptRecord } from "./types";

/** Diana's own AMQP headers, which travel with a message through the retry ladder and the DLQ. */
export const HEADERS = {
  attempts: "x-diana-attempts",
  origin: "x-diana-origin",
  reason: "x-diana-reason",
  deadAt: "x-diana-dead-at",
} as const;

type Headers = Record<string, unknown> | undefined;

/** The attempt history carried in the headers; empty for a first delivery. */
export function readHistory(headers: Headers): AttemptRecord[] {
  const raw = headers?.[HEADERS.attempts];
  if (typeof raw !== "string") return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as AttemptRecord[]) : [];
  } catch {
    return [];
  }
}

interface DeathEntry {
  queue?: string;
  reason?: string;
}

/**
 * Where a dead letter came from: Diana's origin header when Diana dead-lettered it, else the queue
 * RabbitMQ's `x-death` history names as rejecting it or hitting its delivery limit.
 */
export function readOrigin(headers: Headers, fallback: string): string {
  const origin = headers?.[HEADERS.origin];
  if (typeof origin === "string") return origin;
  const deaths = (headers?.["x-death"] as DeathEntry[] | undefined) ?? [];
  const death = deaths.find((d) => d.reason === "delivery_limit" || d.reason === "rejected") ?? deaths[0];
  return death?.queue ?? fallback;
}

export function readReason(headers: Headers): string {
  const reason = headers?.[HEADERS.reason];
  if (typeof reason === "string") return reason;
  const first = headers?.["x-first-death-reason"];
  return typeof first === "string" ? `dead-lettered by RabbitMQ: ${first}` : "unknown";
}

/** The headers worth carrying to a republish: Diana's own, not RabbitMQ's death bookkeeping. */
export function carriedHeaders(headers: Headers): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (!key.startsWith("x-")) kept[key] = value;
  }
  return kept;
}

interface MessageProperties {
  contentType?: string;
  contentEncoding?: string;
  priority?: number;
  correlationId?: string;
  messageId?: string;
  type?: string;
  timestamp?: number;
  appId?: string;
}

/** The AMQP properties a republish keeps (everything but headers, routing and delivery state). */
export function messageProperties(message: MessageProperties): MessageProperties {
  const { contentType, contentEncoding, priority, correlationId, messageId, type, timestamp, appId } =
    message;
  const props: MessageProperties = {
    contentType,
    contentEncoding,
    priority,
    correlationId,
    messageId,
    type,
    timestamp,
    appId,
  };
  for (const key of Object.keys(props) as (keyof MessageProperties)[]) {
    if (props[key] === undefined) delete props[key];
  }
  return props;
}
