import type { EventBus, EventSchemas, PublishInput } from "../bus/types";
import type { Tracing } from "./tracing";

/**
 * The bus with spans, for both adapters at one place: `publish` (and `publishEncoded`) runs in a producer span (child of
 * the input's `traceparent` — the business trace an outbox row carries — else of the active span)
 * whose `traceparent` goes into the envelope; every handler runs in a consumer span, child of the
 * envelope's `traceparent`. Everything else is the bus itself.
 *
 * @example
 * const bus = traceBus(createInProcessBus({ catalog, source: "/services/trading" }), tracing);
 */
export function traceBus<S extends EventSchemas>(bus: EventBus<S>, tracing: Tracing): EventBus<S> {
  const system = bus.kind === "rabbitmq" ? "rabbitmq" : "diana.in-process";
  return {
    kind: bus.kind,
    catalog: bus.catalog,
    dlq: bus.dlq,
    publish: (input) =>
      tracing.publishSpan(input, (traceparent) => bus.publish({ ...input, traceparent } as PublishInput<S>), {
        attributes: { "messaging.system": system },
      }),
    publishEncoded: (event) =>
      tracing.publishSpan(event, (traceparent) => bus.publishEncoded({ ...event, traceparent }), {
        attributes: { "messaging.system": system },
      }),
    subscribe: (options, handler) =>
      bus.subscribe(options, (event, context) =>
        tracing.consumeSpan(event, () => handler(event, context), {
          consumer: options.consumer,
          attributes: { "messaging.system": system, "messaging.delivery.attempt": context.attempt },
        }),
      ),
    queueStats: (consumer) => bus.queueStats(consumer),
    onEvent: (listener) => bus.onEvent(listener),
    close: () => bus.close(),
  };
}
