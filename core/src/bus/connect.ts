import type { Connection } from "rabbitmq-client";
import { createAmqpConnection } from "./amqp-connection";
import { defineEvents, type EventCatalog } from "./catalog";
import { createInProcessBus } from "./in-process";
import { createInProcessBroker, type InProcessBroker } from "./in-process-broker";
import { createRabbitMqBus } from "./rabbitmq";
import type { EventBus, EventSchemas } from "./types";

/** Where a deployable's buses live: one AMQP connection, or one in-process broker, shared by its services. */
export interface BusTransport {
  kind: "rabbitmq" | "in-process";
  connection?: Connection;
  broker?: InProcessBroker;
  /** Resolves when the broker answers (RabbitMQ: the connection is open); throws otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the deployable's transport: RabbitMQ when `url` is set, else an in-process broker (the
 * embedded default; its queues live as long as the process).
 *
 * @example
 * const transport = openBusTransport({ url: env.AMQP_URL, name: "trading" });
 * const bus = busOn(transport, { catalog, source: "/services/trading" });
 */
export function openBusTransport(options: {
  url?: string;
  name: string;
  connectTimeoutMs?: number;
}): BusTransport {
  if (!options.url) {
    return {
      kind: "in-process",
      broker: createInProcessBroker(),
      ping: async () => {},
      close: async () => {},
    };
  }
  const connection = createAmqpConnection({ url: options.url, connectionName: options.name });
  // Errors surface through ping() and the buses' own error events; an unhandled one would crash.
  connection.on("error", () => {});
  // Every service's bus in the deployable listens on the one shared connection.
  connection.setMaxListeners(0);
  const timeoutMs = options.connectTimeoutMs ?? 2_000;
  return {
    kind: "rabbitmq",
    connection,
    ping: () => (connection.ready ? Promise.resolve() : connection.onConnect(timeoutMs, true)),
    close: () => connection.close(),
  };
}

/** A bus for one service on the deployable's transport. */
export function busOn<S extends EventSchemas>(
  transport: BusTransport,
  options: { catalog: EventCatalog<S>; source: string },
): EventBus<S> {
  return transport.connection
    ? createRabbitMqBus({ ...options, connection: transport.connection })
    : createInProcessBus({ ...options, broker: transport.broker });
}

/** No events declared yet: services add theirs to their contract as their domains land. */
export const noEventsCatalog = defineEvents({});

/**
 * One service's bus on a transport of its own, as a resource (`ping`, `close`) for a standalone
 * deployable's readiness and shutdown.
 *
 * @example
 * const bus = openServiceBus({ url: env.AMQP_URL, name: "trading" });
 * createApp({ ...deps, bus: bus.bus, ...resources({ database: db, bus }) });
 */
export function openServiceBus<S extends EventSchemas = EventSchemas>(options: {
  url?: string;
  name: string;
  catalog?: EventCatalog<S>;
}): { bus: EventBus<S>; ping(): Promise<void>; close(): Promise<void> } {
  const transport = openBusTransport({ url: options.url, name: options.name });
  const bus = busOn(transport, {
    catalog: options.catalog ?? (noEventsCatalog as unknown as EventCatalog<S>),
    source: `/services/${options.name}`,
  });
  return {
    bus,
    ping: () => transport.ping(),
    close: async () => {
      await bus.close();
      await transport.close();
    },
  };
}
