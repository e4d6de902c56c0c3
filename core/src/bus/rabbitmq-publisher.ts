import type { Connection, Envelope, ReturnedMessage } from "rabbitmq-client";
import { PublishNotConfirmedError, UnroutableEventError } from "./errors";
import { EVENTS_EXCHANGE } from "./rabbitmq-topology";
import { returnsInFlight, trackReturns } from "./returns-in-flight";

/** Publishes with confirms and `mandatory`, turning a `basic.return` into an error. */
export interface ConfirmedPublisher {
  /**
   * Sends with `mandatory` and `durable` forced on (the caller's object is changed in place).
   * @throws UnroutableEventError, PublishNotConfirmedError
   */
  send(envelope: Envelope & { messageId: string }, body: Buffer, eventType: string): Promise<void>;
  close(): Promise<void>;
}

const keyOf = (exchange: string | undefined, routingKey: string | undefined, messageId: string | undefined) =>
  `${exchange ?? ""}\u0000${routingKey ?? ""}\u0000${messageId ?? ""}`;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * RabbitMQ sends `basic.return` before the `basic.ack` of an unroutable mandatory message, but
 * rabbitmq-client emits the return on a later `setImmediate` than it resolves the confirm; so after the
 * confirm we look for a return with the same exchange, routing key and message id — at once when no
 * return is read and not yet emitted (`returnsInFlight`, the usual case), else after one turn. That wait
 * is one `setImmediate` per publish, scheduled after its confirm: one shared by several confirms could be
 * scheduled before the return of a later one and run ahead of it.
 */
export function createConfirmedPublisher(connection: Connection, maxAttempts: number): ConfirmedPublisher {
  trackReturns();
  const publisher = connection.createPublisher({
    confirm: true,
    maxAttempts,
    exchanges: [{ exchange: EVENTS_EXCHANGE, type: "topic", durable: true }],
  });
  const awaiting = new Map<string, ReturnedMessage | null>();
  publisher.on("basic.return", (message: ReturnedMessage) => {
    const key = keyOf(message.exchange, message.routingKey, message.messageId);
    if (awaiting.has(key)) awaiting.set(key, message);
  });

  return {
    async send(envelope, body, eventType) {
      const key = keyOf(envelope.exchange, envelope.routingKey, envelope.messageId);
      awaiting.set(key, null);
      let returned: ReturnedMessage | null | undefined;
      try {
        envelope.mandatory = true;
        envelope.durable = true;
        await publisher.send(envelope, body);
        if (returnsInFlight() > 0) await nextTurn();
      } catch (error) {
        throw new PublishNotConfirmedError(envelope.messageId, { cause: error });
      } finally {
        returned = awaiting.get(key);
        awaiting.delete(key);
      }
      if (returned) throw new UnroutableEventError(eventType, envelope.messageId, returned.replyText);
    },
    close: () => publisher.close(),
  };
}
