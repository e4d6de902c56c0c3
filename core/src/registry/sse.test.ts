import { expect, test } from "bun:test";
import { readSse, type SseEvent } from "./sse";

const streamOf = (...parts: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(new TextEncoder().encode(p));
      c.close();
    },
  });

test("parses events split across chunks, skips comments and joins multi-line data", async () => {
  const events: SseEvent[] = [];
  await readSse(
    streamOf(
      "retry: 1000\n\n: keep",
      "-alive\n\nid: 1\nevent: snap",
      'shot\ndata: {"a":\ndata: 1}\n\n',
      "data: x\r\n\r\n",
    ),
    (e) => events.push(e),
  );
  expect(events).toEqual([
    { id: "1", event: "snapshot", data: '{"a":\n1}' },
    { event: "message", data: "x" },
  ]);
});
