import { Type } from "@sinclair/typebox";
import { defineEvents } from "../catalog";
import type { BusOptions } from "../options";
import type { EventBus, EventEnvelope, EventSchemas } from "../types";

/** How the conformance suite gets a bus; see `runBusConformance`. */
export type CreateBus = (options: BusOptions<EventSchemas>) => EventBus | Promise<EventBus>;

export interface ConformanceContext {
  bus(options: BusOptions<EventSchemas>): Promise<EventBus>;
}

/** Per-test names, so tests sharing one broker never see each other's events. */
export function fixture() {
  const ns = `t${Bun.randomUUIDv7("hex").slice(-10)}`;
  const type = (name: string) => `${ns}.${name}`;
  const catalog = defineEvents({
    [type("order.placed")]: Type.Object({
      orderId: Type.String(),
      qty: Type.String({ pattern: "^[0-9]+$" }),
    }),
    [type("order.filled")]: Type.Object({ orderId: Type.String() }),
    [type("venue.order.filled")]: Type.Object({ orderId: Type.String() }),
  });
  /** The same types with a looser `order.placed`, to get invalid payloads past a publisher. */
  const looseCatalog = defineEvents({
    [type("order.placed")]: Type.Object({ orderId: Type.Unknown(), qty: Type.Unknown() }),
  });
  return {
    ns,
    type,
    consumer: (name: string) => `${ns}-${name}`,
    catalog,
    looseCatalog,
    /** Bus options with a fast retry ladder. */
    options: (delaysMs: number[] = [30, 60]): BusOptions<EventSchemas> => ({
      catalog,
      source: `/tests/${ns}`,
      retry: { delaysMs },
    }),
  };
}

export function orderIdOf(event: EventEnvelope): string {
  return (event.data as { orderId: string }).orderId;
}

/** A promise to release blocked handlers with. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}
