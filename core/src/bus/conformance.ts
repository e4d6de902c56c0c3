import { afterEach, describe } from "bun:test";
import { deadLetterCases } from "./conformance/dead-letter-cases";
import { deliveryCases } from "./conformance/delivery-cases";
import type { ConformanceContext, CreateBus } from "./conformance/fixture";
import { flowControlCases } from "./conformance/flow-control-cases";
import { publishCases } from "./conformance/publish-cases";
import type { EventBus } from "./types";

export type { CreateBus } from "./conformance/fixture";
export { type WaitForOptions, waitFor } from "./wait-for";

/** Options for {@link runBusConformance}. */
export interface BusConformanceOptions {
  /** Names the `describe` block, e.g. `"rabbitmq"`. */
  name: string;
  /**
   * Builds a bus. Every bus made for one suite run must reach the same broker (one in-process
   * broker, one vhost): tests connect a publisher bus and a consumer bus. Tests isolate themselves
   * by namespacing their event types and consumers, so nothing needs cleaning between tests.
   */
  create: CreateBus;
  /** When set, the whole suite is skipped and this reason names why. */
  skip?: string;
}

/**
 * The behaviour every {@link EventBus} adapter must have, as bun:test cases: routing, confirmed and
 * validated publish, ack after success, the retry ladder, dead-lettering with history, DLQ depth,
 * browse, replay, purge, concurrency, prefetch, priority and clean shutdown. Timing uses small retry
 * delays and waits for conditions, never fixed sleeps.
 *
 * @example
 * // in-process.test.ts
 * const broker = createInProcessBroker();
 * runBusConformance({ name: "in-process", create: (o) => createInProcessBus({ ...o, broker }) });
 */
export function runBusConformance(options: BusConformanceOptions): void {
  const title = options.skip
    ? `${options.name} bus conformance (skipped: ${options.skip})`
    : `${options.name} bus conformance`;
  (options.skip ? describe.skip : describe)(title, () => {
    const open: EventBus[] = [];
    const context: ConformanceContext = {
      async bus(busOptions) {
        const bus = await options.create(busOptions);
        open.push(bus);
        return bus;
      },
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((bus) => bus.close()));
    });
    publishCases(context);
    deliveryCases(context);
    deadLetterCases(context);
    flowControlCases(context);
  });
}
