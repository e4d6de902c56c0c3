import { Dispatcher } from "./dispatcher";
import { createEnvelope, encodedBody, parseEnvelope, systemClock } from "./envelope";
import {
  BusClosedError,
  DuplicateSubscriptionError,
  UnknownConsumerError,
  UnroutableEventError,
} from "./errors";
import { handleDelivery } from "./handle-delivery";
import {
  type BrokerQueue,
  createInProcessBroker,
  type InProcessBroker,
  type QueueReceiver,
  type StoredMessage,
} from "./in-process-broker";
import { createListeners } from "./listeners";
import { type BusOptions, DEFAULT_RETRY, resolveSubscription } from "./options";
import type { DeadLetter, EncodedEvent, EventBus, EventOf, EventSchemas, Subscription } from "./types";

export interface InProcessBusOptions<S extends EventSchemas> extends BusOptions<S> {
  /** Share one broker between the buses of services running in one process. Defaults to a private one. */
  broker?: InProcessBroker;
}

/**
 * The event bus without a broker process: the same semantics as RabbitMQ (topic routing, `mandatory`,
 * retry ladder, DLQ, prefetch and priority) in memory, for `bun start` and tests.
 *
 * @example
 * const broker = createInProcessBroker();
 * const bus = createInProcessBus({ broker, catalog: events, source: "/services/trading" });
 * await bus.subscribe({ consumer: "dashboard", patterns: ["order.*"] }, async (event) => {});
 * await bus.publish({ type: "order.placed", subject: orderId, data });
 */
export function createInProcessBus<S extends EventSchemas>(options: InProcessBusOptions<S>): EventBus<S> {
  const broker = options.broker ?? createInProcessBroker();
  const clock = options.clock ?? systemClock;
  const busRetry = options.retry ?? DEFAULT_RETRY;
  const listeners = createListeners();
  const subscriptions = new Map<string, Subscription>();
  let closed = false;

  const queueOf = (consumer: string): BrokerQueue => {
    const queue = broker.queue(consumer);
    if (!queue) throw new UnknownConsumerError(consumer);
    return queue;
  };

  const toDeadLetter = (queue: BrokerQueue, entry: BrokerQueue["dlq"][number]): DeadLetter => {
    const parsed = parseEnvelope(entry.message.body);
    return {
      id: entry.message.id,
      consumer: queue.name,
      origin: entry.origin,
      reason: entry.reason,
      attempts: entry.message.history,
      deadAt: entry.deadAt,
      event: parsed.ok ? parsed.envelope : null,
      ...(parsed.ok ? {} : { raw: entry.message.body }),
    };
  };

  /** Routes one encoded event into every bound queue; unroutable is an error, as with `mandatory`. */
  const deliver = (event: Pick<EncodedEvent, "id" | "type" | "priority">, body: string, started: number) => {
    const queues = broker.route(event.type);
    if (queues.length === 0) throw new UnroutableEventError(event.type, event.id);
    for (const queue of queues) {
      broker.enqueue(queue, {
        id: event.id,
        type: event.type,
        priority: event.priority ?? 0,
        body,
        history: [],
      });
    }
    listeners.emit({
      type: "published",
      eventType: event.type,
      id: event.id,
      durationMs: performance.now() - started,
    });
  };

  const bus: EventBus<S> = {
    kind: "in-process",
    catalog: options.catalog,

    async publish(input) {
      if (closed) throw new BusClosedError();
      const started = performance.now();
      options.catalog.assert(input.type, input.data);
      const envelope = createEnvelope(input, { source: options.source, clock, newId: options.newId });
      deliver(envelope, JSON.stringify(envelope), started);
      return envelope as EventOf<S>;
    },

    async publishEncoded(event) {
      if (closed) throw new BusClosedError();
      deliver(event, encodedBody(event), performance.now());
    },

    async subscribe(subscribeOptions, handler) {
      if (closed) throw new BusClosedError();
      const resolved = resolveSubscription(subscribeOptions, busRetry);
      const { consumer } = resolved;
      if (subscriptions.has(consumer)) throw new DuplicateSubscriptionError(consumer);
      const queue = broker.declare(consumer, resolved.patterns, resolved.delaysMs);
      let unacked = 0;
      let closing = false;
      const counts = { succeeded: 0, failed: 0 };

      const settle = (message: StoredMessage, outcome: Awaited<ReturnType<typeof handleDelivery>>) => {
        const { outcome: o, envelope } = outcome;
        if (o.kind === "ack") {
          counts.succeeded++;
          return;
        }
        counts.failed++;
        const next = { ...message, history: o.history };
        if (o.kind === "retry") return broker.delay(queue, next, o.delayMs);
        queue.dlq.push({
          message: next,
          origin: queue.name,
          reason: o.reason,
          deadAt: new Date(clock.now()).toISOString(),
        });
        listeners.emit({
          type: "dead-lettered",
          consumer,
          eventType: envelope?.type ?? message.type,
          id: message.id,
          reason: o.reason,
        });
      };

      const dispatcher = new Dispatcher<StoredMessage>({
        concurrency: resolved.concurrency,
        run: async (message) => {
          const result = await handleDelivery({
            body: message.body,
            history: message.history,
            consumer,
            catalog: options.catalog,
            handler,
            delaysMs: resolved.delaysMs,
            clock,
            emit: listeners.emit,
          });
          settle(message, result);
          unacked--;
          broker.pump(queue);
        },
      });
      const receiver: QueueReceiver = {
        hasRoom: () => !closing && unacked < resolved.prefetch,
        deliver: (message) => {
          unacked++;
          dispatcher.push(message, message.priority);
        },
      };
      queue.receivers.add(receiver);
      broker.pump(queue);

      const subscription: Subscription = {
        consumer,
        pause: () => dispatcher.pause(),
        resume: () => dispatcher.resume(),
        stats: () => ({ inFlight: dispatcher.inFlight, buffered: dispatcher.buffered, ...counts }),
        async close() {
          if (closing) return;
          closing = true;
          queue.receivers.delete(receiver);
          const left = await dispatcher.drain();
          unacked -= left.length;
          for (const message of left.reverse()) queue.ready.unshift(message);
          subscriptions.delete(consumer);
          broker.pump(queue);
        },
      };
      subscriptions.set(consumer, subscription);
      return subscription;
    },

    async queueStats(consumer) {
      const queue = queueOf(consumer);
      return {
        consumer,
        depth: queue.ready.length,
        consumers: queue.receivers.size,
        dlqDepth: queue.dlq.length,
        retryDepths: queue.delaysMs.map((delayMs) => ({ delayMs, depth: queue.delayed.get(delayMs) ?? 0 })),
      };
    },

    dlq: {
      async depth(consumer) {
        return queueOf(consumer).dlq.length;
      },
      async browse(consumer, browseOptions = {}) {
        const queue = queueOf(consumer);
        return queue.dlq.slice(0, browseOptions.limit ?? 100).map((entry) => toDeadLetter(queue, entry));
      },
      async replay(consumer, replayOptions = {}) {
        const queue = queueOf(consumer);
        const ids = replayOptions.ids ? new Set(replayOptions.ids) : undefined;
        const chosen = queue.dlq.filter((entry) => !ids || ids.has(entry.message.id));
        for (const entry of chosen) {
          queue.dlq.splice(queue.dlq.indexOf(entry), 1);
          broker.enqueue(broker.queue(entry.origin) ?? queue, { ...entry.message, history: [] });
        }
        listeners.emit({ type: "replayed", consumer, count: chosen.length });
        return { replayed: chosen.length };
      },
      async purge(consumer) {
        const queue = queueOf(consumer);
        return { purged: queue.dlq.splice(0).length };
      },
    },

    onEvent: listeners.on,

    async close() {
      closed = true;
      await Promise.all([...subscriptions.values()].map((s) => s.close()));
    },
  };
  return bus;
}
