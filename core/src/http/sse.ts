/** One server-sent event; a comment line (heartbeat) comes through as `{ comment }`. */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/**
 * Parses a `text/event-stream` body into events (per the WHATWG EventSource rules that Diana's
 * streams use: `id`, `event`, `data` lines, blank-line terminated, `:` comments).
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = "";
  let current: SseMessage = {};
  let data: string[] = [];
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf("\n");
      if (line === "") {
        if (data.length > 0 || current.id !== undefined || current.event !== undefined)
          yield { ...current, data: data.join("\n") };
        current = {};
        data = [];
      } else if (line.startsWith(":")) {
        yield { comment: line.slice(1).trim() };
      } else {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") data.push(value);
        else if (field === "id") current.id = value;
        else if (field === "event") current.event = value;
      }
    }
  }
}
