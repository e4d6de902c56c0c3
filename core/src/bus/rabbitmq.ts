import type { Connection, Envelope } from "rabbitmq-client";
import { createAmqpConnection } from "./amqp-connection";
import { PACKED } from "./amqp-publish-frames";
import { createEnvelope, encodedBody, systemClock } from "./envelope";
import { BusClosedError, DuplicateSubscriptionError } from "./errors";
import { createListeners } from "./listeners";
import { type BusOptions, DEFAULT_RETRY, resolveSubscription } from "./options";
import { createRabbitMqDeadLetters } from "./rabbitmq-dead-letters";
import { createConfirmedPublisher } from "./rabbitmq-publisher";
import { subscribeRabbitMq } from "./rabbitmq-subscription";
import { EVENTS_EXCHANGE } from "./rabbitmq-topology";
import type { EncodedEvent, EventBus, EventOf, EventSchemas, Subscription } from "./types";

export interface RabbitMqBusOptions<S extends EventSchemas> extends BusOptions<S> {
  /**
   * An AMQP URL (`amqp://guest:guest@127.0.0.1:5672/vhost`), or a connection the caller owns and closes
   * (make it with `createAmqpConnection` to get write coalescing).
   */
  connection: string | Connection;
  /** `x-delivery-limit` of every service queue: the backstop for deliveries that never settle. Defaults to 20. */
  deliveryLimit?: number;
  /** Publish attempts across a lost channel before {@link PublishNotConfirmedError}. Defaults to 3. */
  publishAttempts?: number;
}

/**
 * The event bus on RabbitMQ: events go to the topic exchange `diana.events` with publisher confirms
 * and `mandatory`; each consuming service gets a quorum queue, a ladder of delay queues and a DLQ
 * (see `consumerTopology`), declared idempotently when it subscribes.
 *
 * @example
 * const bus = createRabbitMqBus({ connection: env.AMQP_URL, catalog: events, source: "/services/trading" });
 * await bus.subscribe({ consumer: "dashboard", patterns: ["order.*"], concurrency: 8 }, onOrderEvent);
 * await bus.publish({ type: "order.placed", subject: order.id, data });
 * await bus.close();
 */
export function createRabbitMqBus<S extends EventSchemas>(options: RabbitMqBusOptions<S>): EventBus<S> {
  const ownsConnection = typeof options.connection === "string";
  const connection =
    typeof options.connection === "string"
      ? createAmqpConnection({ url: options.connection, connectionName: options.source })
      : options.connection;
  const clock = options.clock ?? systemClock;
  const busRetry = options.retry ?? DEFAULT_RETRY;
  const listeners = createListeners();
  const onConnectionError = (error: unknown) =>
    listeners.emit({ type: "error", context: "connection", error });
  connection.on("error", onConnectionError);
  const publisher = createConfirmedPublisher(connection, options.publishAttempts ?? 3);
  const subscriptions = new Map<string, { subscription?: Subscription; delaysMs: readonly number[] }>();
  const { dlq, queueStats } = createRabbitMqDeadLetters({
    connection,
    publisher,
    delaysFor: (consumer) => subscriptions.get(consumer)?.delaysMs ?? busRetry.delaysMs,
    emit: listeners.emit,
  });
  let closed = false;

  /** `createdMs`: see {@link EncodedEvent.createdMs}. */
  async function send(
    event: Pick<EncodedEvent, "id" | "type" | "priority" | "correlationid">,
    createdMs: number,
    body: string,
    started: number,
  ) {
    const envelope: Envelope & { messageId: string; [PACKED]: true } = {
      exchange: EVENTS_EXCHANGE,
      routingKey: event.type,
      messageId: event.id,
      type: event.type,
      contentType: "application/cloudevents+json",
      priority: event.priority,
      correlationId: event.correlationid,
      timestamp: Math.floor(createdMs / 1000),
      [PACKED]: true,
    };
    await publisher.send(envelope, Buffer.from(body), event.type);
    listeners.emit({
      type: "published",
      eventType: event.type,
      id: event.id,
      durationMs: performance.now() - started,
    });
  }

  return {
    kind: "rabbitmq",
    catalog: options.catalog,

    async publish(input) {
      if (closed) throw new BusClosedError();
      const started = performance.now();
      options.catalog.assert(input.type, input.data);
      const envelope = createEnvelope(input, { source: options.source, clock, newId: options.newId });
      await send(envelope, Date.parse(envelope.time), JSON.stringify(envelope), started);
      return envelope as EventOf<S>;
    },

    async publishEncoded(event) {
      if (closed) throw new BusClosedError();
      await send(event, event.createdMs, encodedBody(event), performance.now());
    },

    async subscribe(subscribeOptions, handler) {
      if (closed) throw new BusClosedError();
      const resolved = resolveSubscription(subscribeOptions, busRetry);
      if (subscriptions.has(resolved.consumer)) throw new DuplicateSubscriptionError(resolved.consumer);
      const entry: { subscription?: Subscription; delaysMs: readonly number[] } = {
        delaysMs: resolved.delaysMs,
      };
      subscriptions.set(resolved.consumer, entry);
      try {
        const deps = {
          connection,
          publisher,
          catalog: options.catalog,
          clock,
          deliveryLimit: options.deliveryLimit ?? 20,
          emit: listeners.emit,
        };
        entry.subscription = await subscribeRabbitMq(deps, resolved, handler, () => {
          if (subscriptions.get(resolved.consumer) === entry) subscriptions.delete(resolved.consumer);
        });
        return entry.subscription;
      } catch (error) {
        subscriptions.delete(resolved.consumer);
        throw error;
      }
    },

    queueStats,
    dlq,
    onEvent: listeners.on,

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions.values()].map((entry) => entry.subscription?.close()));
      await publisher.close();
      connection.off("error", onConnectionError);
      if (ownsConnection) await connection.close();
    },
  };
}
