import { Elysia, t } from "elysia";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { type AnyEventBus, UnknownConsumerError } from "../bus";
import { type Inbox, ReplayOutsideRetentionError } from "../inbox";
import { HttpError } from "./problem";
import { ProblemSchema } from "./problem-schema";
import { rateMeter } from "./rate-meter";

export interface BusOpsOptions {
  bus: AnyEventBus;
  /** The service's consumers (its queues). Defaults to the service name. */
  consumers: readonly string[];
  registry: Registry;
  /** Replays at most this many messages per minute per consumer. Defaults to 1,000. */
  replayPerMinute?: number;
  /**
   * The service's inbox: replays go through it, so events older than its retention are refused
   * (409) unless the operator forces them.
   */
  inbox?: Pick<Inbox, "replay" | "retentionMs">;
  now?: () => number;
}

/** The window of the rates `/ops/bus` shows. */
const RATE_WINDOW_SECONDS = 60;

const QueueSchema = t.Object({
  consumer: t.String(),
  depth: t.Integer(),
  consumers: t.Integer({ description: "Consumers attached to the queue, every instance's" }),
  dlqDepth: t.Integer(),
  retryDepths: t.Array(t.Object({ delayMs: t.Integer(), depth: t.Integer() })),
  stats: t.Optional(
    t.Object(
      { succeeded: t.Integer(), failed: t.Integer(), redelivered: t.Integer() },
      { description: "This instance's counts since it started" },
    ),
  ),
  rates: t.Object(
    { consumedPerSecond: t.Number(), failedPerSecond: t.Number() },
    {
      description: `This instance's handled and failed deliveries per second over the last ${RATE_WINDOW_SECONDS} s`,
    },
  ),
});

const DeadLetterSchema = t.Object({
  id: t.String(),
  consumer: t.String(),
  origin: t.String({ description: "The queue a replay sends it back to, from the death history" }),
  reason: t.String(),
  attempts: t.Array(
    t.Object({ attempt: t.Integer(), at: t.String(), error: t.String(), code: t.Optional(t.String()) }),
  ),
  deadAt: t.String({ format: "date-time" }),
  event: t.Nullable(t.Record(t.String(), t.Unknown())),
  raw: t.Optional(t.String()),
});

const ConsumerQuery = t.Object({ consumer: t.Optional(t.String({ minLength: 1, maxLength: 100 })) });

/**
 * `/ops/bus`: this service's queues (depth, DLQ depth, retry-stage depths), the DLQ browse, replay
 * (rate-limited; the origin comes from each message's death history) and purge, and the bus metrics
 * (`diana_bus_dlq_depth`, publish and consume durations, redeliveries).
 */
export function busOpsRoutes(options: BusOpsOptions) {
  const { bus, consumers } = options;
  const now = options.now ?? Date.now;
  const perMinute = options.replayPerMinute ?? 1_000;
  const replayed = new Map<string, { windowStart: number; count: number }>();
  const meter = () => rateMeter({ windowSeconds: RATE_WINDOW_SECONDS, now });
  type Meter = ReturnType<typeof meter>;
  const published = meter();
  /** This instance's deliveries per consumer: counts since start, and rates over the window. */
  const seen = new Map<
    string,
    { stats: { succeeded: number; failed: number; redelivered: number }; consumed: Meter; failed: Meter }
  >();
  const seenOf = (c: string) =>
    seen.get(c) ??
    seen
      .set(c, { stats: { succeeded: 0, failed: 0, redelivered: 0 }, consumed: meter(), failed: meter() })
      .get(c)!;
  // Every known consumer's meters start with the service: a first event a minute later is 1/60 per second,
  // not a burst of one in its first second.
  for (const c of consumers) seenOf(c);
  const perSecond = (m: Meter | undefined) => Math.round((m?.perSecond() ?? 0) * 100) / 100;

  const publishDuration = new Histogram({
    name: "diana_bus_publish_duration_seconds",
    help: "Publish to confirm, by event type.",
    labelNames: ["type"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [options.registry],
  });
  const consumeDuration = new Histogram({
    name: "diana_bus_consume_duration_seconds",
    help: "Handler duration, by consumer and event type.",
    labelNames: ["consumer", "type"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [options.registry],
  });
  const redeliveries = new Counter({
    name: "diana_bus_redeliveries_total",
    help: "Deliveries after the first attempt, by consumer.",
    labelNames: ["consumer"] as const,
    registers: [options.registry],
  });
  const stats = async () =>
    (
      await Promise.all(
        consumers.map((c) =>
          bus.queueStats(c).catch((e) => {
            if (e instanceof UnknownConsumerError) return null;
            throw e;
          }),
        ),
      )
    ).filter((s) => s !== null);
  new Gauge({
    name: "diana_bus_dlq_depth",
    help: "Messages in each of this service's dead-letter queues.",
    labelNames: ["consumer"] as const,
    registers: [options.registry],
    async collect() {
      this.reset();
      for (const s of await stats().catch(() => [])) this.set({ consumer: s.consumer }, s.dlqDepth);
    },
  });
  bus.onEvent((e) => {
    if (e.type === "published") {
      publishDuration.observe({ type: e.eventType }, e.durationMs / 1000);
      published.mark();
    }
    if (e.type === "consumed") {
      consumeDuration.observe({ consumer: e.consumer, type: e.eventType }, e.durationMs / 1000);
      const c = seenOf(e.consumer);
      c.stats.succeeded++;
      c.consumed.mark();
      if (e.attempt > 1) {
        redeliveries.inc({ consumer: e.consumer });
        c.stats.redelivered++;
      }
    }
    if (e.type === "retry-scheduled" || e.type === "dead-lettered") {
      const c = seenOf(e.consumer);
      c.stats.failed++;
      c.failed.mark();
    }
  });

  const own = (consumer: string | undefined) => {
    const c = consumer ?? consumers[0];
    if (!c || !consumers.includes(c)) {
      throw new HttpError(
        404,
        "CONSUMER_NOT_FOUND",
        `this service has no consumer ${consumer ?? "(none declared)"}`,
      );
    }
    return c;
  };

  return new Elysia({ name: "kit:ops-bus" })
    .get(
      "/ops/bus",
      async () => ({
        kind: bus.kind,
        rates: { windowSeconds: RATE_WINDOW_SECONDS, publishedPerSecond: perSecond(published) },
        queues: (await stats()).map((s) => {
          const c = seen.get(s.consumer);
          return {
            ...s,
            stats: c?.stats,
            rates: { consumedPerSecond: perSecond(c?.consumed), failedPerSecond: perSecond(c?.failed) },
          };
        }),
      }),
      {
        response: t.Object({
          kind: t.Union([t.Literal("rabbitmq"), t.Literal("in-process")]),
          rates: t.Object(
            { windowSeconds: t.Integer(), publishedPerSecond: t.Number() },
            { description: "This instance's confirmed publishes per second over the window" },
          ),
          queues: t.Array(QueueSchema),
        }),
        detail: {
          tags: ["ops"],
          summary: "This service's queues: depth, consumers, DLQ depth, retry-stage depths, counts and rates",
        },
      },
    )
    .get(
      "/ops/bus/dlq",
      async ({ query }) => {
        const consumer = own(query.consumer);
        return {
          consumer,
          messages: (await bus.dlq.browse(consumer, { limit: query.limit ?? 100 })) as never[],
        };
      },
      {
        query: t.Object({
          ...ConsumerQuery.properties,
          limit: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })),
        }),
        response: {
          200: t.Object({ consumer: t.String(), messages: t.Array(DeadLetterSchema) }),
          404: ProblemSchema,
        },
        detail: {
          tags: ["ops"],
          summary: "Browse the dead-letter queue with reasons and attempt history (nothing is removed)",
        },
      },
    )
    .post(
      "/ops/bus/dlq/replay",
      async ({ body }) => {
        const consumer = own(body.consumer);
        const window = replayed.get(consumer);
        const fresh = !window || now() - window.windowStart >= 60_000;
        const used = fresh ? 0 : window.count;
        const depth = body.ids?.length ?? (await bus.dlq.depth(consumer));
        if (used + depth > perMinute) {
          const retryAfter = fresh ? 60 : Math.ceil((window.windowStart + 60_000 - now()) / 1000);
          throw new HttpError(
            429,
            "REPLAY_RATE_LIMITED",
            `replaying ${depth} more would pass ${perMinute} per minute`,
            {
              "retry-after": String(Math.max(1, retryAfter)),
            },
          );
        }
        const selection = { ...(body.ids ? { ids: body.ids } : {}), force: body.force ?? false };
        const result = await (options.inbox
          ? options.inbox.replay(bus.dlq, consumer, selection).catch((e) => {
              if (!(e instanceof ReplayOutsideRetentionError)) throw e;
              throw new HttpError(409, e.code, `${e.message}; the ids: ${e.ids.slice(0, 20).join(", ")}`);
            })
          : bus.dlq.replay(consumer, body.ids ? { ids: body.ids } : undefined));
        replayed.set(consumer, {
          windowStart: fresh ? now() : window.windowStart,
          count: used + result.replayed,
        });
        return { consumer, ...result };
      },
      {
        body: t.Object({
          consumer: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
          ids: t.Optional(
            t.Array(t.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 1000 }),
          ),
          force: t.Optional(t.Boolean({ description: "Replay even events older than the inbox retention" })),
        }),
        response: {
          200: t.Object({ consumer: t.String(), replayed: t.Integer() }),
          404: ProblemSchema,
          409: ProblemSchema,
          429: ProblemSchema,
        },
        detail: {
          tags: ["ops"],
          summary: "Replay dead letters (all, or by id) to the queue they died in, rate-limited",
        },
      },
    )
    .post(
      "/ops/bus/dlq/purge",
      async ({ body }) => {
        const consumer = own(body.consumer);
        return { consumer, ...(await bus.dlq.purge(consumer)) };
      },
      {
        body: t.Object({ consumer: t.Optional(t.String({ minLength: 1, maxLength: 100 })) }),
        response: { 200: t.Object({ consumer: t.String(), purged: t.Integer() }), 404: ProblemSchema },
        detail: { tags: ["ops"], summary: "Delete every message in the dead-letter queue" },
      },
    );
}
