import type { AsyncMessage, Channel, Connection } from "rabbitmq-client";

/** What {@link coalesceAcks} adds to a channel, for tests and stats. */
export interface AckCoalescing {
  /** `basic.ack` frames sent, and messages they acknowledged. */
  readonly sent: { frames: number; messages: number };
}

const coalesced = new WeakMap<Channel, AckCoalescing>();

/** The coalescing state of a channel, if it has any. */
export const ackCoalescingOf = (ch: Channel): AckCoalescing | undefined => coalesced.get(ch);

/**
 * Makes a consumer channel acknowledge in batches, in place: `basicAck` of single deliveries is held
 * until the event loop's check phase, then sent as one `basic.ack` with `multiple` up to the highest
 * delivery tag below every delivery still being handled, plus single acks for the held tags above it.
 * A broker settles a multiple ack in one step (RabbitMQ 3.10, quorum queue: about half the broker CPU
 * per consumed message of one ack each). A multiple ack never covers a delivery still in a handler,
 * so acks stay per message in meaning: deliveries are recorded as `basicConsume` hands them over, and
 * nacks and explicit multiple acks go out at once. `close()` sends the held acks first;
 * a channel that closes unexpectedly drops them, as its delivery tags are dead (the broker redelivers).
 *
 * Must be applied before `basicConsume`, or a delivery made before could be covered while in a handler.
 */
export function coalesceAcks(ch: Channel): AckCoalescing {
  const existing = coalesced.get(ch);
  if (existing) return existing;
  const state: AckCoalescing = { sent: { frames: 0, messages: 0 } };
  coalesced.set(ch, state);
  /** Delivered to this channel's consumer and not yet acked or nacked. */
  const outstanding = new Set<number>();
  let held: number[] = [];
  let scheduled = false;
  let dead = false;

  const basicAck = ch.basicAck.bind(ch);
  const basicNack = ch.basicNack.bind(ch);
  const basicConsume = ch.basicConsume.bind(ch);
  const close = ch.close.bind(ch);

  const flush = () => {
    scheduled = false;
    if (held.length === 0 || dead || !ch.active) {
      held = [];
      return;
    }
    let lowest = Number.POSITIVE_INFINITY;
    for (const tag of outstanding) if (tag < lowest) lowest = tag;
    let upTo = 0;
    let below = 0;
    const above: number[] = [];
    for (const tag of held) {
      if (tag < lowest) {
        below++;
        if (tag > upTo) upTo = tag;
      } else above.push(tag);
    }
    held = [];
    if (below === 1) basicAck({ deliveryTag: upTo });
    else if (below > 1) basicAck({ deliveryTag: upTo, multiple: true });
    if (below > 0) {
      state.sent.frames++;
      state.sent.messages += below;
    }
    // Above a delivery still in a handler: one each, so a slow handler never holds the others' prefetch.
    for (const tag of above) basicAck({ deliveryTag: tag });
    state.sent.frames += above.length;
    state.sent.messages += above.length;
  };

  ch.basicConsume = (params, cb) =>
    basicConsume(params, (message: AsyncMessage) => {
      if (!params.noAck) outstanding.add(message.deliveryTag);
      cb(message);
    });
  /** A caller's own `multiple` settles every outstanding tag up to its own (all of them for tag 0). */
  const settleUpTo = (tag: number) => {
    for (const t of outstanding) if (tag === 0 || t <= tag) outstanding.delete(t);
  };
  ch.basicAck = (params) => {
    const tag = params.deliveryTag ?? 0;
    if (params.multiple || !outstanding.delete(tag)) {
      // A caller's batch, or not a delivery this channel recorded: send as asked, after what is held.
      flush();
      if (params.multiple) settleUpTo(tag);
      basicAck(params);
      return;
    }
    held.push(tag);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  ch.basicNack = (params) => {
    const tag = params.deliveryTag ?? 0;
    if (params.multiple) {
      // Held acks first: a multiple nack would otherwise settle them, and their ack would then be refused.
      flush();
      settleUpTo(tag);
    } else outstanding.delete(tag);
    basicNack(params);
  };
  ch.close = async () => {
    flush();
    await close();
  };
  ch.once("close", () => {
    dead = true;
    held = [];
    outstanding.clear();
  });
  return state;
}

/**
 * A view of `connection` for `createConsumer`: every channel the consumer acquires (at start and after
 * each reconnect) coalesces its acks before it consumes. Everything else is the connection itself.
 *
 * @example
 * const consumer = ackCoalescingConnection(connection).createConsumer({ queue }, handler);
 */
export function ackCoalescingConnection(connection: Connection): Connection {
  const acquire: Connection["acquire"] = async (options) => {
    const ch = await connection.acquire(options);
    coalesceAcks(ch);
    return ch;
  };
  const view: Connection = new Proxy(connection, {
    get(target, property) {
      if (property === "acquire") return acquire;
      const value = Reflect.get(target, property, target);
      // The consumer is built on the view, so that it acquires through it; the rest on the connection.
      if (property === "createConsumer") return (value as Connection["createConsumer"]).bind(view);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return view;
}
