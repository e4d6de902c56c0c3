import { topicMatches } from "./topic-match";
import type { AttemptRecord } from "./types";

/** A message as the in-process broker stores it: serialised, like on a wire. */
export interface StoredMessage {
  id: string;
  type: string;
  priority: number;
  body: string;
  history: AttemptRecord[];
}

export interface StoredDeadLetter {
  message: StoredMessage;
  origin: string;
  reason: string;
  deadAt: string;
}

/** A consumer attached to a queue; the broker hands it messages while it has prefetch room. */
export interface QueueReceiver {
  hasRoom(): boolean;
  deliver(message: StoredMessage): void;
}

export interface BrokerQueue {
  readonly name: string;
  readonly patterns: Set<string>;
  readonly ready: StoredMessage[];
  readonly dlq: StoredDeadLetter[];
  /** Messages waiting in each retry stage, by delay. */
  readonly delayed: Map<number, number>;
  delaysMs: readonly number[];
  readonly receivers: Set<QueueReceiver>;
}

/**
 * The in-memory stand-in for RabbitMQ: a topic exchange and durable queues that outlive any one
 * bus. Share one broker between buses to connect services running in one process.
 *
 * @example
 * const broker = createInProcessBroker();
 * const trading = createInProcessBus({ broker, catalog, source: "/services/trading" });
 * const dashboard = createInProcessBus({ broker, catalog, source: "/services/dashboard" });
 */
export class InProcessBroker {
  readonly #queues = new Map<string, BrokerQueue>();
  readonly #timers = new Set<Timer>();

  /** Declares (or widens) a consumer's queue; idempotent like a RabbitMQ declare. */
  declare(name: string, patterns: readonly string[], delaysMs: readonly number[]): BrokerQueue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = {
        name,
        patterns: new Set(),
        ready: [],
        dlq: [],
        delayed: new Map(),
        delaysMs,
        receivers: new Set(),
      };
      this.#queues.set(name, queue);
    }
    for (const pattern of patterns) queue.patterns.add(pattern);
    queue.delaysMs = delaysMs;
    return queue;
  }

  queue(name: string): BrokerQueue | undefined {
    return this.#queues.get(name);
  }

  /** The queues a routing key reaches; empty means unroutable. */
  route(routingKey: string): BrokerQueue[] {
    return [...this.#queues.values()].filter((q) => [...q.patterns].some((p) => topicMatches(p, routingKey)));
  }

  enqueue(queue: BrokerQueue, message: StoredMessage, front = false): void {
    if (front) queue.ready.unshift(message);
    else queue.ready.push(message);
    this.pump(queue);
  }

  /** Parks a message in a retry stage; it comes back to its queue after `delayMs`. */
  delay(queue: BrokerQueue, message: StoredMessage, delayMs: number): void {
    queue.delayed.set(delayMs, (queue.delayed.get(delayMs) ?? 0) + 1);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      queue.delayed.set(delayMs, (queue.delayed.get(delayMs) ?? 1) - 1);
      this.enqueue(queue, message);
    }, delayMs);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Hands ready messages to receivers with room, round-robin. */
  pump(queue: BrokerQueue): void {
    let progressed = true;
    while (progressed && queue.ready.length > 0) {
      progressed = false;
      for (const receiver of queue.receivers) {
        if (queue.ready.length === 0) return;
        if (!receiver.hasRoom()) continue;
        receiver.deliver(queue.ready.shift()!);
        progressed = true;
      }
    }
  }
}

/** A fresh, empty in-process broker. */
export function createInProcessBroker(): InProcessBroker {
  return new InProcessBroker();
}
