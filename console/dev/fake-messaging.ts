// Each fake service's /ops/bus and /ops/outbox: queues with retry stages and dead letters (some in
// trading and risk-guard; replaying all of trading is refused), dead outbox rows in orchestration, and replay (rate-limited: at most 3 a
// minute per consumer, then 429 with Retry-After), purge and requeue.

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const RETRY_DELAYS = [1_000, 10_000, 60_000];
const REPLAYS_PER_MINUTE = 3;

interface Letter {
  id: string;
  consumer: string;
  origin: string;
  reason: string;
  attempts: Array<{ attempt: number; at: string; error: string; code?: string }>;
  deadAt: string;
  event: Record<string, unknown> | null;
}

interface Queue {
  consumer: string;
  depth: number;
  retry: number[];
  dead: Letter[];
  stats: { succeeded: number; failed: number; redelivered: number };
  replays: { windowStart: number; count: number };
}

const letter = (consumer: string, n: number, type: string, error: string): Letter => ({
  id: `${consumer}-${type}-${n}`,
  consumer,
  origin: consumer,
  reason: `handler failed ${RETRY_DELAYS.length + 1} times: ${error}`,
  attempts: [1, 2, 3, 4].map((attempt) => ({
    attempt,
    at: ago(300_000 - attempt * 20_000 - n * 1_000),
    error,
    ...(attempt === 4 ? { code: "HANDLER_FAILED" } : {}),
  })),
  deadAt: ago(200_000 - n * 1_000),
  event: { type, id: `evt-${n}`, data: { orderId: `o-${1000 + n}` } },
});

const CONSUMERS: Record<string, string[]> = {
  trading: ["trading"],
  "risk-guard": ["risk-guard"],
  monitor: ["monitor", "monitor-audit"],
  orchestration: ["orchestration"],
  scoring: ["scoring"],
};

const queues = new Map<string, Queue[]>();
function queuesOf(service: string): Queue[] {
  let list = queues.get(service);
  if (!list) {
    list = (CONSUMERS[service] ?? []).map((consumer) => ({
      consumer,
      depth: service === "monitor" ? 4 : 0,
      retry: RETRY_DELAYS.map((_, k) => (service === "trading" && k === 0 ? 2 : 0)),
      dead:
        service === "trading"
          ? [1, 2, 3, 4, 5].map((n) => letter(consumer, n, "order.filled", "risk-guard answered 503"))
          : service === "risk-guard"
            ? [letter(consumer, 1, "order.placed", "limit table missing")]
            : [],
      stats: {
        succeeded: 120,
        failed: service === "trading" ? 9 : 0,
        redelivered: service === "trading" ? 6 : 0,
      },
      replays: { windowStart: 0, count: 0 },
    }));
    queues.set(service, list);
  }
  return list;
}

interface DeadRow {
  id: string;
  type: string;
  aggregateId: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}
const deadRows = new Map<string, DeadRow[]>([
  [
    "orchestration",
    [1, 2, 3].map((n) => ({
      id: `0000000${n}-8b1e-4c2a-9a61-5f0c2b7d${String(n).padStart(4, "0")}`,
      type: "workflow.started",
      aggregateId: `wf-${n}`,
      attempts: 10,
      lastError: "NOT_FOUND - no exchange 'diana.events'",
      createdAt: ago(900_000 + n * 60_000),
    })),
  ],
]);

export function busOf(service: string) {
  return {
    kind: "rabbitmq" as const,
    rates: { windowSeconds: 60, publishedPerSecond: service === "trading" ? 14.5 : 0 },
    queues: queuesOf(service).map((q) => ({
      consumer: q.consumer,
      depth: q.depth,
      // monitor-audit has lost its consumer: its queue only grows.
      consumers: q.consumer === "monitor-audit" ? 0 : 2,
      dlqDepth: q.dead.length,
      retryDepths: RETRY_DELAYS.map((delayMs, k) => ({ delayMs, depth: q.retry[k] ?? 0 })),
      stats: q.stats,
      rates: {
        consumedPerSecond: q.consumer === "monitor-audit" ? 0 : 2.4,
        failedPerSecond: service === "trading" ? 0.15 : 0,
      },
    })),
  };
}

export function outboxOf(service: string, limit: number) {
  const dead = deadRows.get(service) ?? [];
  const pending = service === "dashboard" ? 3 : 0;
  return {
    pending,
    oldestPendingAgeSeconds: pending ? 7 : 0,
    dead: dead.length,
    relayLagMs: 4.2,
    lastPublishAt: ago(3_000),
    notifyGate: pending ? ("quiet" as const) : ("notifying" as const),
    published: 418,
    failed: dead.length,
    unroutable: 0,
    deadRows: dead.slice(0, limit),
  };
}

type Outcome = { status: number; body: unknown; retryAfter?: number };
const notFound = (consumer: string | undefined): Outcome => ({
  status: 404,
  body: {
    code: "CONSUMER_NOT_FOUND",
    detail: `this service has no consumer ${consumer ?? "(none declared)"}`,
  },
});

const own = (service: string, consumer: string | undefined) => {
  const list = queuesOf(service);
  return consumer === undefined ? list[0] : list.find((q) => q.consumer === consumer);
};

export function browse(service: string, consumer: string | undefined, limit: number): Outcome {
  const q = own(service, consumer);
  if (!q) return notFound(consumer);
  return { status: 200, body: { consumer: q.consumer, messages: q.dead.slice(0, limit) } };
}

export function replay(service: string, consumer: string | undefined, ids: string[] | undefined): Outcome {
  const q = own(service, consumer);
  if (!q) return notFound(consumer);
  const now = Date.now();
  const fresh = now - q.replays.windowStart >= 60_000;
  const used = fresh ? 0 : q.replays.count;
  const chosen = ids ? q.dead.filter((l) => ids.includes(l.id)) : q.dead;
  if (used + chosen.length > REPLAYS_PER_MINUTE) {
    const retryAfter = fresh ? 60 : Math.ceil((q.replays.windowStart + 60_000 - now) / 1000);
    return {
      status: 429,
      body: {
        code: "REPLAY_RATE_LIMITED",
        detail: `replaying ${chosen.length} more would pass ${REPLAYS_PER_MINUTE} per minute`,
      },
      retryAfter: Math.max(1, retryAfter),
    };
  }
  q.dead = q.dead.filter((l) => !chosen.includes(l));
  q.stats.succeeded += chosen.length;
  q.replays = { windowStart: fresh ? now : q.replays.windowStart, count: used + chosen.length };
  return { status: 200, body: { consumer: q.consumer, replayed: chosen.length } };
}

export function purge(service: string, consumer: string | undefined): Outcome {
  const q = own(service, consumer);
  if (!q) return notFound(consumer);
  const purged = q.dead.length;
  q.dead = [];
  return { status: 200, body: { consumer: q.consumer, purged } };
}

export function requeue(service: string, body: { ids?: string[]; all?: true }): Outcome {
  if ((body.ids === undefined) === (body.all === undefined))
    return {
      status: 400,
      body: { code: "VALIDATION_FAILED", detail: "give exactly one of `ids` and `all: true`" },
    };
  const dead = deadRows.get(service) ?? [];
  const chosen = body.all ? dead : dead.filter((r) => body.ids?.includes(r.id));
  deadRows.set(
    service,
    dead.filter((r) => !chosen.includes(r)),
  );
  return { status: 200, body: { requeued: chosen.length } };
}
