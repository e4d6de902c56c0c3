import { describe, expect, test } from "bun:test";
import { readSse, type SseMessage } from "./sse";

const streamOf = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
      c.close();
    },
  });

async function all(body: ReadableStream<Uint8Array>) {
  const out: SseMessage[] = [];
  for await (const m of readSse(body)) out.push(m);
  return out;
}

describe("readSse", () => {
  test("reads events split across chunks, with ids, names, multi-line data and comments", async () => {
    const out = await all(
      streamOf(": connected\n\nid: 3\nevent: rel", 'ease\ndata: {"a":\ndata: 1}\n\n', ": heartbeat\r\n\r\n"),
    );
    expect(out).toEqual([
      { comment: "connected" },
      { id: "3", event: "release", data: '{"a":\n1}' },
      { comment: "heartbeat" },
    ]);
  });

  test("drops an unterminated event at the end of the stream", async () => {
    expect(await all(streamOf("id: 1\ndata: x\n"))).toEqual([]);
  });
});
