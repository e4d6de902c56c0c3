import { type AsyncMessage, type Connection, ConsumerStatus } from "rabbitmq-client";
import { ackCoalescingConnection } from "./ack-coalescing";
import type { EventCatalog } from "./catalog";
import { Dispatcher } from "./dispatcher";
import { handleDelivery } from "./handle-delivery";
import type { ResolvedSubscription } from "./options";
import { carriedHeaders, HEADERS, messageProperties, readHistory } from "./rabbitmq-headers";
import type { ConfirmedPublisher } from "./rabbitmq-publisher";
import { consumerTopology, declareTopology } from "./rabbitmq-topology";
import type { BusEvent, Clock, EventHandler, EventSchemas, Subscription } from "./types";

export interface RabbitMqSubscriptionDeps<S extends EventSchemas> {
  connection: Connection;
  publisher: ConfirmedPublisher;
  catalog: EventCatalog<S>;
  clock: Clock;
  deliveryLimit: number;
  emit(event: BusEvent): void;
}

interface Buffered {
  message: AsyncMessage;
  settle(status: ConsumerStatus): void;
}

const asBuffer = (body: unknown): Buffer =>
  Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));

/**
 * Consumes a service queue. A failed delivery is never nacked back into its queue: the handler's
 * outcome is republished (with confirms) to the next retry stage or to the DLQ, and only then is
 * the original acked. Why not `nack` to a dead-letter exchange: a queue has one DLX, so it could not
 * pick the stage by attempt; and a nack cannot carry the error and attempt history, which replay and
 * the console need. A crash between the confirm and the ack redelivers the message (at least once);
 * deliveries that never settle at all end in the DLQ through the queue's `x-delivery-limit`.
 */
export async function subscribeRabbitMq<S extends EventSchemas>(
  deps: RabbitMqSubscriptionDeps<S>,
  resolved: ResolvedSubscription,
  handler: EventHandler<S>,
  onClosed: () => void,
): Promise<Subscription> {
  const { consumer, delaysMs } = resolved;
  const topology = consumerTopology({ ...resolved, deliveryLimit: deps.deliveryLimit });
  const { names } = topology;
  const setup = await deps.connection.acquire();
  try {
    await declareTopology(setup, topology);
  } finally {
    await setup.close();
  }

  const counts = { succeeded: 0, failed: 0 };
  let closing: Promise<void> | undefined;

  const process = async (message: AsyncMessage): Promise<ConsumerStatus> => {
    const body = asBuffer(message.body);
    const history = readHistory(message.headers);
    const { catalog, clock, emit } = deps;
    const { outcome, envelope } = await handleDelivery({
      body,
      history,
      consumer,
      catalog,
      handler,
      delaysMs,
      clock,
      emit,
    });
    if (outcome.kind === "ack") {
      counts.succeeded++;
      return ConsumerStatus.ACK;
    }
    counts.failed++;
    const messageId = message.messageId ?? envelope?.id ?? "";
    const eventType = envelope?.type ?? message.type ?? "";
    const headers = {
      ...carriedHeaders(message.headers),
      [HEADERS.attempts]: JSON.stringify(outcome.history),
      [HEADERS.origin]: names.main,
    };
    const props = { ...messageProperties(message), messageId, exchange: "" };
    if (outcome.kind === "retry") {
      await deps.publisher.send(
        { ...props, routingKey: names.retry[outcome.stage]!, headers },
        body,
        eventType,
      );
    } else {
      const deadAt = new Date(clock.now()).toISOString();
      const deadHeaders = { ...headers, [HEADERS.reason]: outcome.reason, [HEADERS.deadAt]: deadAt };
      await deps.publisher.send({ ...props, routingKey: names.dlq, headers: deadHeaders }, body, eventType);
      emit({ type: "dead-lettered", consumer, eventType, id: messageId, reason: outcome.reason });
    }
    return ConsumerStatus.ACK;
  };

  const dispatcher = new Dispatcher<Buffered>({
    concurrency: resolved.concurrency,
    run: ({ message, settle }) =>
      process(message).then(settle, (error: unknown) => {
        // The republish failed (broker trouble): put it back and let the delivery limit bound the loop.
        deps.emit({ type: "error", context: `consume ${consumer}`, error });
        settle(ConsumerStatus.REQUEUE);
      }),
  });

  // Acks leave in batches (one `basic.ack` with `multiple` per event-loop turn where order allows).
  const amqpConsumer = ackCoalescingConnection(deps.connection).createConsumer(
    {
      queue: names.main,
      queueOptions: topology.main,
      exchanges: [topology.exchange],
      queueBindings: topology.bindings,
      qos: { prefetchCount: resolved.prefetch },
      // Every prefetched delivery enters the dispatcher, which picks by priority and caps concurrency.
      concurrency: resolved.prefetch,
      requeue: true,
    },
    (message) => {
      if (closing) return ConsumerStatus.REQUEUE;
      return new Promise<ConsumerStatus>((settle) =>
        dispatcher.push({ message, settle }, message.priority ?? 0),
      );
    },
  );
  amqpConsumer.on("error", (error) => deps.emit({ type: "error", context: `consumer ${consumer}`, error }));
  await new Promise<void>((resolve, reject) => {
    amqpConsumer.once("ready", resolve);
    amqpConsumer.once("error", reject);
  });

  return {
    consumer,
    pause: () => dispatcher.pause(),
    resume: () => dispatcher.resume(),
    stats: () => ({ inFlight: dispatcher.inFlight, buffered: dispatcher.buffered, ...counts }),
    close() {
      closing ??= (async () => {
        const stopped = amqpConsumer.close();
        for (const left of await dispatcher.drain()) left.settle(ConsumerStatus.REQUEUE);
        await stopped;
        onClosed();
      })();
      return closing;
    },
  };
}
