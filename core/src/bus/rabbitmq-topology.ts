import type { Channel } from "rabbitmq-client";

/** The topic exchange every Diana event is published to. */
export const EVENTS_EXCHANGE = "diana.events";

/** The queues one consuming service owns. */
export interface ConsumerQueueNames {
  /** The service queue, bound to `diana.events` by the consumer's patterns. */
  main: string;
  /** One delay queue per retry stage, named after its delay so a changed ladder never clashes. */
  retry: string[];
  dlq: string;
}

export function queueNames(consumer: string, delaysMs: readonly number[]): ConsumerQueueNames {
  return { main: consumer, retry: delaysMs.map((d) => `${consumer}.retry.${d}ms`), dlq: `${consumer}.dlq` };
}

export interface TopologyOptions {
  consumer: string;
  patterns: readonly string[];
  delaysMs: readonly number[];
  /** The quorum queue's `x-delivery-limit`. */
  deliveryLimit: number;
}

interface QueueDeclare {
  queue: string;
  durable: true;
  arguments: Record<string, unknown>;
}

/**
 * The declarations of a consumer's topology, all quorum queues:
 *
 * - the service queue, `x-delivery-limit` set explicitly (RabbitMQ 3.10 has no default). The
 *   retry ladder is the normal path for failures; the limit is a safety net for deliveries that
 *   never settle (a process killed mid-handler, again and again), which it dead-letters to the DLQ.
 * - a delay queue per stage: `x-message-ttl` = the delay, then dead-lettered back to the service
 *   queue by name through the default exchange — so a retry reaches only this service, never every
 *   queue bound to the event type.
 * - the DLQ, which nothing consumes.
 *
 * Dead-lettering is at-least-once (`x-dead-letter-strategy`, which needs `x-overflow:
 * reject-publish`): an expiring retry is not dropped if the service queue cannot take it.
 */
export function consumerTopology(options: TopologyOptions) {
  const names = queueNames(options.consumer, options.delaysMs);
  const quorum = { "x-queue-type": "quorum" };
  const atLeastOnce = { "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish" };
  const main: QueueDeclare = {
    queue: names.main,
    durable: true,
    arguments: {
      ...quorum,
      ...atLeastOnce,
      "x-delivery-limit": options.deliveryLimit,
      "x-dead-letter-exchange": "",
      "x-dead-letter-routing-key": names.dlq,
    },
  };
  const retries: QueueDeclare[] = names.retry.map((queue, stage) => ({
    queue,
    durable: true,
    arguments: {
      ...quorum,
      ...atLeastOnce,
      "x-message-ttl": options.delaysMs[stage],
      "x-dead-letter-exchange": "",
      "x-dead-letter-routing-key": names.main,
    },
  }));
  const dlq: QueueDeclare = { queue: names.dlq, durable: true, arguments: { ...quorum } };
  const exchange = { exchange: EVENTS_EXCHANGE, type: "topic", durable: true };
  const bindings = options.patterns.map((routingKey) => ({
    exchange: EVENTS_EXCHANGE,
    queue: names.main,
    routingKey,
  }));
  return { names, exchange, main, queues: [main, ...retries, dlq], bindings };
}

export type ConsumerTopology = ReturnType<typeof consumerTopology>;

/** Declares exchange, queues and bindings; idempotent, so every start runs it. */
export async function declareTopology(channel: Channel, topology: ConsumerTopology): Promise<void> {
  await channel.exchangeDeclare(topology.exchange);
  for (const queue of topology.queues) await channel.queueDeclare(queue);
  for (const binding of topology.bindings) await channel.queueBind(binding);
}
