import type { AnyEventBus, EventHandler, SubscribeOptions, Subscription } from "../bus";
import type { Logger } from "../log";
import type { Attachment } from "./lifecycle";

/** A handler for a bus whatever its catalogue (as {@link AnyEventBus}). */
// biome-ignore lint/suspicious/noExplicitAny: the catalogue parameter is the bus's, whatever it is.
export type AnyEventHandler = EventHandler<any>;

export interface ConsumerOptions {
  bus: AnyEventBus;
  subscribe: SubscribeOptions;
  handler: AnyEventHandler;
  log: Logger;
  /** First wait after a refused subscribe; doubles up to `maxRetryMs`. Defaults to 1 s. */
  retryMs?: number;
  /** Defaults to 30 s. */
  maxRetryMs?: number;
  /** How long the service's start waits for the first attempt before going on without it. Defaults to 5 s. */
  firstAttemptMs?: number;
}

/**
 * A service's consumer as part of its lifecycle: subscribes when the service starts (after the steps
 * attached before it, such as loading config; before the server listens, so the queue and its bindings
 * exist as early as they can); if the broker refuses (down, or mid-reconnect), logs it and tries again in
 * the background with a doubling wait, without holding up the start for more than `firstAttemptMs`;
 * closes the subscription on stop (in-flight handlers finish, buffered deliveries go back to the queue)
 * and cancels any retry.
 *
 * @example
 * service.attach(consumerAttachment({ bus, log, subscribe: { consumer: "dashboard", patterns: ["order.*"] }, handler }));
 */
export function consumerAttachment(options: ConsumerOptions): Attachment & {
  /** The live subscription, once there is one. */
  subscription(): Subscription | undefined;
} {
  const { bus, log } = options;
  const maxRetryMs = options.maxRetryMs ?? 30_000;
  let subscription: Subscription | undefined;
  let retry: Timer | undefined;
  let stopped = false;

  async function attempt(waitMs: number): Promise<void> {
    retry = undefined;
    if (stopped) return;
    try {
      const opened = await bus.subscribe(options.subscribe, options.handler);
      if (stopped) await opened.close();
      else subscription = opened;
    } catch (error) {
      if (stopped) return;
      log.warn("could not subscribe; trying again", {
        consumer: options.subscribe.consumer,
        inMs: waitMs,
        error,
      });
      retry = setTimeout(() => void attempt(Math.min(waitMs * 2, maxRetryMs)), waitMs);
    }
  }

  return {
    subscription: () => subscription,
    async onStart() {
      const first = attempt(options.retryMs ?? 1_000);
      let timer: Timer | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.firstAttemptMs ?? 5_000);
      });
      await Promise.race([first, late]);
      clearTimeout(timer);
    },
    async onStop() {
      stopped = true;
      clearTimeout(retry);
      await subscription?.close();
    },
  };
}
