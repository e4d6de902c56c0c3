import type { Channel, Connection, SyncMessage } from "rabbitmq-client";
import { parseEnvelope } from "./envelope";
import { UnknownConsumerError } from "./errors";
import {
  carriedHeaders,
  HEADERS,
  messageProperties,
  readHistory,
  readOrigin,
  readReason,
} from "./rabbitmq-headers";
import type { ConfirmedPublisher } from "./rabbitmq-publisher";
import { queueNames } from "./rabbitmq-topology";
import type { BusEvent, DeadLetter, DeadLetterOperations, QueueStats } from "./types";

interface Deps {
  connection: Connection;
  publisher: ConfirmedPublisher;
  /** The retry ladder to report for a consumer: its subscription's here, else the bus default. */
  delaysFor(consumer: string): readonly number[];
  emit(event: BusEvent): void;
}

async function withChannel<T>(connection: Connection, use: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await connection.acquire();
  try {
    return await use(channel);
  } finally {
    await channel.close();
  }
}

/**
 * A queue's ready messages and attached consumers, or undefined when it does not exist (a passive declare
 * of a missing queue closes its channel, hence a channel of its own).
 */
async function countsOf(
  connection: Connection,
  queue: string,
): Promise<{ messageCount: number; consumerCount: number } | undefined> {
  try {
    return await withChannel(connection, (ch) => ch.queueDeclare({ queue, passive: true }));
  } catch (error) {
    if ((error as { code?: unknown }).code === "NOT_FOUND") return undefined;
    throw error;
  }
}

const depthOf = async (connection: Connection, queue: string) =>
  (await countsOf(connection, queue))?.messageCount;

/**
 * Messages a closed channel held go back to a quorum queue asynchronously; wait (up to `timeoutMs`)
 * until the queue counts `atLeast` again, so a browse or replay never leaves the DLQ looking short.
 */
async function settled(
  connection: Connection,
  queue: string,
  atLeast: number,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (((await depthOf(connection, queue)) ?? 0) < atLeast && performance.now() < deadline)
    await Bun.sleep(10);
}

function toDeadLetter(message: SyncMessage, consumer: string): DeadLetter {
  const parsed = parseEnvelope(message.body);
  const deadAt = message.headers?.[HEADERS.deadAt];
  return {
    id: message.messageId ?? (parsed.ok ? parsed.envelope.id : ""),
    consumer,
    origin: readOrigin(message.headers, consumer),
    reason: readReason(message.headers),
    attempts: readHistory(message.headers),
    deadAt: typeof deadAt === "string" ? deadAt : new Date((message.timestamp ?? 0) * 1000).toISOString(),
    event: parsed.ok ? parsed.envelope : null,
    ...(parsed.ok
      ? {}
      : { raw: Buffer.isBuffer(message.body) ? message.body.toString() : String(message.body) }),
  };
}

/**
 * DLQ operations over AMQP alone (the management plugin may be off). Browse and replay take
 * messages with `basic.get` and leave the ones they keep unacknowledged until their channel closes,
 * which returns them to the DLQ: nothing is lost, though a quorum queue may reorder them.
 */
export function createRabbitMqDeadLetters(deps: Deps) {
  const { connection } = deps;
  const requireDepth = async (consumer: string, queue: string) => {
    const depth = await depthOf(connection, queue);
    if (depth === undefined) throw new UnknownConsumerError(consumer);
    return depth;
  };
  const dlqOf = (consumer: string) => queueNames(consumer, []).dlq;

  const dlq: DeadLetterOperations = {
    depth: (consumer) => requireDepth(consumer, dlqOf(consumer)),

    async browse(consumer, options = {}) {
      const depth = await requireDepth(consumer, dlqOf(consumer));
      const found = await withChannel(connection, async (ch) => {
        const found: DeadLetter[] = [];
        while (found.length < Math.min(depth, options.limit ?? 100)) {
          const message = await ch.basicGet({ queue: dlqOf(consumer) });
          if (!message) break;
          found.push(toDeadLetter(message, consumer));
        }
        return found;
      });
      await settled(connection, dlqOf(consumer), depth);
      return found;
    },

    async replay(consumer, options = {}) {
      const depth = await requireDepth(consumer, dlqOf(consumer));
      const ids = options.ids ? new Set(options.ids) : undefined;
      const replayed = await withChannel(connection, async (ch) => {
        let count = 0;
        for (let seen = 0; seen < depth; seen++) {
          const message = await ch.basicGet({ queue: dlqOf(consumer) });
          if (!message) break;
          if (ids && !ids.has(message.messageId ?? "")) continue;
          // A fresh ladder: the attempts, reason and death history stay behind.
          await deps.publisher.send(
            {
              ...messageProperties(message),
              messageId: message.messageId ?? "",
              exchange: "",
              routingKey: readOrigin(message.headers, consumer),
              headers: carriedHeaders(message.headers),
            },
            message.body as Buffer,
            message.type ?? "",
          );
          ch.basicAck({ deliveryTag: message.deliveryTag });
          count++;
        }
        return count;
      });
      await settled(connection, dlqOf(consumer), depth - replayed);
      deps.emit({ type: "replayed", consumer, count: replayed });
      return { replayed };
    },

    async purge(consumer) {
      await requireDepth(consumer, dlqOf(consumer));
      return withChannel(connection, async (ch) => ({
        purged: (await ch.queuePurge({ queue: dlqOf(consumer) })).messageCount,
      }));
    },
  };

  async function queueStats(consumer: string): Promise<QueueStats> {
    const delaysMs = deps.delaysFor(consumer);
    const names = queueNames(consumer, delaysMs);
    const main = await countsOf(connection, names.main);
    if (!main) throw new UnknownConsumerError(consumer);
    const retryDepths: QueueStats["retryDepths"] = [];
    for (const [stage, queue] of names.retry.entries()) {
      const stageDepth = await depthOf(connection, queue);
      if (stageDepth !== undefined) retryDepths.push({ delayMs: delaysMs[stage]!, depth: stageDepth });
    }
    return {
      consumer,
      depth: main.messageCount,
      consumers: main.consumerCount,
      dlqDepth: (await depthOf(connection, names.dlq)) ?? 0,
      retryDepths,
    };
  }

  return { dlq, queueStats };
}
