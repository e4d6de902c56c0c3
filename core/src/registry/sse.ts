/** One server-sent event. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Parses a `text/event-stream` body into events (WHATWG HTML §9.2: `event`, `data`, `id` fields,
 * comments and `retry` ignored). Resolves when the stream ends.
 */
export async function readSse(
  body: ReadableStream<Uint8Array>,
  onEvent: (e: SseEvent) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event: SseEvent = { event: "message", data: "" };
  let hasData = false;
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, "");
      buffer = buffer.slice(nl + 1);
      if (line === "") {
        if (hasData) onEvent(event);
        event = { event: "message", data: "" };
        hasData = false;
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") {
          event.data = hasData ? `${event.data}\n${value}` : value;
          hasData = true;
        } else if (field === "event") event.event = value;
        else if (field === "id") event.id = value;
      }
      nl = buffer.indexOf("\n");
    }
  }
}
