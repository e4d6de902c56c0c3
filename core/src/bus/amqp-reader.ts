import type { Socket } from "node:net";
import { AMQPConnectionError, Connection } from "rabbitmq-client";
import rabbitUtil from "rabbitmq-client/lib/util.js";

/** What rabbitmq-client's frame decoder calls: resolve with exactly `bytes` bytes, or reject at the end. */
export type FrameReader = (bytes: number) => Buffer | Promise<Buffer>;

/**
 * A reader for rabbitmq-client's frame decoder that serves each read from its own buffer of what the
 * socket delivered, synchronously whenever the bytes are already there: no promise, no stream read, no
 * copy unless a read spans two chunks. rabbitmq-client's own (`createAsyncReader`) makes a promise and
 * a `socket.read(n)` for each of the two reads a frame takes — six per delivered message — about a fifth
 * of a consumer's CPU in a profile; this reader takes about a tenth off it (bench/RESULTS.md). Same contract: one read pending at a time; a read the
 * stream cannot finish rejects with `AMQPConnectionError('READ_END')`; `socket.unshift` (which the
 * handshake uses) puts bytes back in front of this reader's buffer instead of the socket's.
 */
export function createFrameReader(socket: Pick<Socket, "on" | "read" | "readable" | "unshift">): FrameReader {
  const chunks: Buffer[] = [];
  /** Where the first chunk's unread bytes start. */
  let offset = 0;
  let buffered = 0;
  let ended = false;
  let pending: { bytes: number; resolve(b: Buffer): void; reject(e: Error): void } | undefined;

  const pull = () => {
    for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) {
      chunks.push(chunk);
      buffered += chunk.length;
    }
  };

  const take = (bytes: number): Buffer => {
    buffered -= bytes;
    const first = chunks[0]!;
    if (first.length - offset >= bytes) {
      const out = first.subarray(offset, offset + bytes);
      offset += bytes;
      if (offset === first.length) {
        chunks.shift();
        offset = 0;
      }
      return out;
    }
    const out = Buffer.allocUnsafe(bytes);
    let filled = 0;
    while (filled < bytes) {
      const chunk = chunks[0]!;
      const n = Math.min(chunk.length - offset, bytes - filled);
      chunk.copy(out, filled, offset, offset + n);
      filled += n;
      offset += n;
      if (offset === chunk.length) {
        chunks.shift();
        offset = 0;
      }
    }
    return out;
  };

  // The constructor takes (code, message) but is declared internal.
  const ReadError = AMQPConnectionError as unknown as new (
    code: string,
    message: string,
  ) => AMQPConnectionError;
  const readEnd = () => new ReadError("READ_END", "stream ended before all bytes received");

  const settle = () => {
    if (!pending) return;
    pull();
    if (buffered >= pending.bytes) {
      const { bytes, resolve } = pending;
      pending = undefined;
      resolve(take(bytes));
    } else if (ended || !socket.readable) {
      const { reject } = pending;
      pending = undefined;
      reject(readEnd());
    }
  };
  // The handshake reads 8 bytes to look for a version mismatch and gives them back with
  // `socket.unshift`: they go back in front of this reader's buffer, where the next read finds them.
  socket.unshift = (chunk: Buffer | string) => {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (offset > 0) {
      chunks[0] = chunks[0]!.subarray(offset);
      offset = 0;
    }
    chunks.unshift(bytes);
    buffered += bytes.length;
  };
  socket.on("readable", settle);
  socket.on("close", () => {
    ended = true;
    settle();
  });

  return (bytes) => {
    if (buffered < bytes) pull();
    if (buffered >= bytes) return take(bytes);
    if (ended || !socket.readable) return Promise.reject(readEnd());
    return new Promise<Buffer>((resolve, reject) => {
      pending = { bytes, resolve, reject };
    });
  };
}

/** rabbitmq-client 5.0.8's `lib/util.js` exports, of which its connection calls `createAsyncReader` per socket. */
interface ClientUtil {
  createAsyncReader(socket: Socket): FrameReader;
}

/** Sockets whose frames a {@link createFrameReader} reads (for tests: the patch is in place). */
export const framesReadByDiana = new WeakSet<object>();

/** Counts `_connect` calls under way on connections that asked for {@link createFrameReader}. */
let fastConnects = 0;
const clientUtil = rabbitUtil as unknown as ClientUtil;
const libraryReader = clientUtil.createAsyncReader;
// rabbitmq-client's connection looks the function up on the module at each connect, so this takes
// effect for sockets opened from now on; connections other than `FrameReadingConnection` keep the original.
clientUtil.createAsyncReader = (socket) => {
  if (fastConnects === 0) return libraryReader(socket);
  framesReadByDiana.add(socket);
  return createFrameReader(socket);
};

const connectOf = (Connection.prototype as unknown as { _connect(this: Connection): unknown })._connect;

/**
 * `new Connection(options)` whose sockets — the first and each one after a reconnect — are read by
 * {@link createFrameReader}. rabbitmq-client opens a socket (and its reader, synchronously) in
 * `_connect`, which the constructor calls and the reconnect timer calls again; this subclass marks those
 * calls. Reaches into rabbitmq-client 5.0.8 (pinned exactly); `amqp-reader.test.ts` fails if it moves.
 */
export class FrameReadingConnection extends Connection {}
Object.defineProperty(FrameReadingConnection.prototype, "_connect", {
  configurable: true,
  writable: true,
  value: function connectReadingFrames(this: Connection) {
    fastConnects++;
    try {
      return connectOf.call(this);
    } finally {
      fastConnects--;
    }
  },
});
