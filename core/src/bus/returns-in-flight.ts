import { Channel } from "rabbitmq-client/lib/Channel.js";

/** rabbitmq-client's `Cmd.BasicReturn` (class 60, method 50). */
const BASIC_RETURN = 3932210;

/**
 * The parts of rabbitmq-client 5.0.8's `Channel` this module reaches into (the version is pinned exactly;
 * `returns-in-flight.test.ts` fails if they move): every method frame goes through `_onMethod`, and a
 * returned message is emitted as `basic.return` on its channel.
 */
interface ChannelInternals {
  _onMethod(frame: { methodId: number }): unknown;
  emit(event: string | symbol, ...args: unknown[]): boolean;
}

let tracking = false;
let inFlight = 0;

/**
 * Counts, process-wide, the `basic.return`s rabbitmq-client has read but not yet emitted. It reads a return
 * before the `basic.ack` of the same message (RabbitMQ sends them in that order on the channel), yet emits
 * it on a later `setImmediate` than it resolves that publish's confirm. So a publisher whose confirm just
 * resolved and who reads 0 here knows that any return of its message has been emitted already; otherwise
 * it waits for that `setImmediate`. Without unroutable messages the count stays 0 and no publish waits a
 * turn. A channel lost between a return's frames can leave the count above 0: publishes then wait a turn
 * each, as they would without this count — slower, never wrong. Idempotent.
 */
export function trackReturns(): void {
  if (tracking) return;
  tracking = true;
  const channel = Channel.prototype as unknown as ChannelInternals;
  const onMethod = channel._onMethod;
  const emit = channel.emit;
  channel._onMethod = function countingReturns(this: ChannelInternals, frame) {
    const result = onMethod.call(this, frame);
    if (frame.methodId === BASIC_RETURN) inFlight++;
    return result;
  };
  channel.emit = function emittingReturn(this: ChannelInternals, event, ...args) {
    if (event === "basic.return" && inFlight > 0) inFlight--;
    return emit.call(this, event, ...args);
  };
}

/** Returns read and not yet emitted (see {@link trackReturns}). */
export const returnsInFlight = (): number => inFlight;
