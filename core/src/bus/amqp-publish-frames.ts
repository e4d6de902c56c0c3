import rabbitCodec from "rabbitmq-client/lib/codec.js";

/**
 * The parameters rabbitmq-client's `basicPublish` hands its codec: the `Envelope` the caller gave, with
 * `deliveryMode`, `rsvp1` and a default `timestamp` filled in.
 */
export interface PublishParams {
  exchange?: string;
  routingKey?: string;
  mandatory?: boolean;
  immediate?: boolean;
  rsvp1?: number;
  contentType?: string;
  contentEncoding?: string;
  headers?: unknown;
  deliveryMode?: number;
  priority?: number;
  correlationId?: string;
  replyTo?: string;
  expiration?: string;
  messageId?: string;
  timestamp?: number;
  type?: string;
  userId?: string;
  appId?: string;
  clusterId?: string;
  [PACKED]?: true;
}

/**
 * Marks an `Envelope` whose publish frames {@link encodePublish} writes (in one buffer) instead of
 * rabbitmq-client's codec. `basicPublish` copies the envelope with `Object.assign`, which keeps symbol
 * keys; envelopes without the mark — every other publisher, the benchmarks' raw peers — go through the
 * library's codec as before.
 */
export const PACKED: unique symbol = Symbol("diana.packedPublish");

const METHOD = 1;
const HEADER = 2;
const BODY = 3;
const FRAME_END = 0xce;
/** basic.publish: class 60, method 40. */
const BASIC_PUBLISH = 0x003c0028;
/** The content header's class (60) and weight (0). */
const BASIC_CLASS_WEIGHT = 0x003c0000;

/** The short-string properties this encoder writes, with their flag bits, in the order AMQP lists them. */
const SHORT_PROPS = [
  ["contentType", 0x8000],
  ["contentEncoding", 0x4000],
] as const;
const LATER_SHORT_PROPS = [["correlationId", 0x0400]] as const;

const shortString = (value: unknown): string => (value == null ? "" : String(value));
/** Absent, or what a one-byte field holds (the library's codec throws on anything else: left to it). */
const octet = (value: number | undefined) =>
  value == null || (Number.isInteger(value) && value >= 0 && value <= 255);

/**
 * The frames of one `basic.publish` — method, content header and (for a non-empty body) one body frame —
 * in one buffer, byte for byte what rabbitmq-client 5.0.8's `genContentFrames` yields as three
 * (`amqp-publish-frames.test.ts` compares them). Returns undefined for what it leaves to the library:
 * a `headers` table or the properties Diana never sets (`replyTo`, `expiration`, `userId`, `appId`,
 * `clusterId`), a short string over 255 bytes (which the library truncates), a priority, delivery mode
 * or timestamp the library would refuse, or a body that needs more than one frame.
 *
 * Why: the library encodes each frame through its generic codec (a property loop, a `BigInt` for the
 * timestamp) and its channel writes the three buffers one by one through a stream; in a profile of the
 * outbox relay, that encoding and the stream's write loop were about a sixth of the process's CPU
 * (bench/RESULTS.md, eleventh session).
 */
export function encodePublish(
  channelId: number,
  params: PublishParams,
  body: Buffer,
  frameMax: number,
): Buffer | undefined {
  const p = params;
  if (
    p.headers != null ||
    p.replyTo != null ||
    p.expiration != null ||
    p.userId != null ||
    p.appId != null ||
    p.clusterId != null ||
    body.length > frameMax ||
    !octet(p.deliveryMode) ||
    !octet(p.priority) ||
    !(p.timestamp == null || (Number.isSafeInteger(p.timestamp) && p.timestamp >= 0))
  ) {
    return undefined;
  }
  const exchange = shortString(p.exchange);
  const routingKey = shortString(p.routingKey);
  const exchangeLength = Buffer.byteLength(exchange);
  const routingKeyLength = Buffer.byteLength(routingKey);
  if (exchangeLength > 255 || routingKeyLength > 255) return undefined;

  let flags = 0;
  let propSize = 0;
  const lengths: number[] = [];
  const short = (value: string | undefined, bit: number) => {
    if (value == null) return true;
    const length = Buffer.byteLength(String(value));
    if (length > 255) return false;
    flags |= bit;
    propSize += 1 + length;
    lengths.push(length);
    return true;
  };
  for (const [key, bit] of SHORT_PROPS) if (!short(p[key], bit)) return undefined;
  if (p.deliveryMode != null) {
    flags |= 0x1000;
    propSize += 1;
  }
  if (p.priority != null) {
    flags |= 0x0800;
    propSize += 1;
  }
  for (const [key, bit] of LATER_SHORT_PROPS) if (!short(p[key], bit)) return undefined;
  if (!short(p.messageId, 0x0080)) return undefined;
  if (p.timestamp != null) {
    flags |= 0x0040;
    propSize += 8;
  }
  if (!short(p.type, 0x0020)) return undefined;

  const methodSize = 4 + 2 + 1 + exchangeLength + 1 + routingKeyLength + 1;
  const headerSize = 14 + propSize;
  if (methodSize > frameMax || headerSize > frameMax) return undefined;
  const bodyFrames = body.length === 0 ? 0 : 8 + body.length;
  const out = Buffer.allocUnsafe(8 + methodSize + 8 + headerSize + bodyFrames);

  let at = out.writeUInt8(METHOD, 0);
  at = out.writeUInt16BE(channelId, at);
  at = out.writeUInt32BE(methodSize, at);
  at = out.writeUInt32BE(BASIC_PUBLISH, at);
  at = out.writeUInt16BE(p.rsvp1 ?? 0, at);
  at = out.writeUInt8(exchangeLength, at);
  at += out.write(exchange, at, exchangeLength, "utf8");
  at = out.writeUInt8(routingKeyLength, at);
  at += out.write(routingKey, at, routingKeyLength, "utf8");
  at = out.writeUInt8((p.mandatory ? 1 : 0) + (p.immediate ? 2 : 0), at);
  at = out.writeUInt8(FRAME_END, at);

  at = out.writeUInt8(HEADER, at);
  at = out.writeUInt16BE(channelId, at);
  at = out.writeUInt32BE(headerSize, at);
  at = out.writeUInt32BE(BASIC_CLASS_WEIGHT, at);
  at = out.writeUInt32BE(Math.floor(body.length / 0x1_0000_0000), at);
  at = out.writeUInt32BE(body.length >>> 0, at);
  at = out.writeUInt16BE(flags, at);
  let next = 0;
  const writeShort = (value: string | undefined) => {
    if (value == null) return;
    const length = lengths[next++]!;
    at = out.writeUInt8(length, at);
    at += out.write(String(value), at, length, "utf8");
  };
  writeShort(p.contentType);
  writeShort(p.contentEncoding);
  if (p.deliveryMode != null) at = out.writeUInt8(p.deliveryMode, at);
  if (p.priority != null) at = out.writeUInt8(p.priority, at);
  writeShort(p.correlationId);
  writeShort(p.messageId);
  if (p.timestamp != null) {
    at = out.writeUInt32BE(Math.floor(p.timestamp / 0x1_0000_0000), at);
    at = out.writeUInt32BE(p.timestamp >>> 0, at);
  }
  writeShort(p.type);
  at = out.writeUInt8(FRAME_END, at);

  if (bodyFrames > 0) {
    at = out.writeUInt8(BODY, at);
    at = out.writeUInt16BE(channelId, at);
    at = out.writeUInt32BE(body.length, at);
    at += body.copy(out, at);
    out.writeUInt8(FRAME_END, at);
  }
  return out;
}

/** rabbitmq-client 5.0.8's `lib/codec.js` export that its channel's `basicPublish` looks up at each call. */
export interface ClientCodec {
  genContentFrames(
    channelId: number,
    params: PublishParams,
    body: Buffer,
    frameMax: number,
  ): Iterator<Buffer>;
}

const clientCodec = rabbitCodec as unknown as ClientCodec;
/** The library's own encoder, for unmarked envelopes and for what {@link encodePublish} leaves to it. */
export const libraryContentFrames = clientCodec.genContentFrames;

let packed = 0;
/** How many publishes went out as {@link encodePublish}'s one buffer (for tests: the patch is in place). */
export const packedPublishes = (): number => packed;

// The channel reads `genContentFrames` off the module at each publish and writes what the iterator
// yields, one buffer after another, to the socket: one buffer holding all three frames is the same bytes.
clientCodec.genContentFrames = (channelId, params, body, frameMax) => {
  if (params[PACKED] === true) {
    const frames = encodePublish(channelId, params, body, frameMax);
    if (frames) {
      packed++;
      return [frames].values();
    }
  }
  return libraryContentFrames(channelId, params, body, frameMax);
};
