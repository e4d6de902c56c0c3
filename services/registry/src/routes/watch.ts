import { Elysia } from "elysia";
import type { FleetFeed } from "../domain/fleet-feed";

const encoder = new TextEncoder();

/**
 * `GET /watch`: a server-sent event stream. The first `snapshot` event is the whole fleet; another
 * follows whenever a status, drain, version or URL changes. A comment every 15 s keeps proxies open.
 */
export function watchRoutes(feed: FleetFeed, keepAliveMs = 15_000) {
  return new Elysia({ name: "registry:watch" }).get(
    "/watch",
    ({ request }) => {
      let unsubscribe: (() => void) | undefined;
      let keepAlive: Timer | undefined;
      let seq = 0;
      const close = () => {
        unsubscribe?.();
        clearInterval(keepAlive);
      };
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          const send = (text: string) => {
            try {
              controller.enqueue(encoder.encode(text));
            } catch {
              close();
            }
          };
          send("retry: 1000\n\n");
          unsubscribe = await feed.subscribe((view) =>
            send(`id: ${++seq}\nevent: snapshot\ndata: ${JSON.stringify(view)}\n\n`),
          );
          keepAlive = setInterval(() => send(": keep-alive\n\n"), keepAliveMs);
          request.signal.addEventListener("abort", () => {
            close();
            try {
              controller.close();
            } catch {}
          });
        },
        cancel: close,
      });
      return new Response(stream, {
        headers: {
          "content-type": "text/event-stream",
          "cache-control": "no-cache",
          "x-accel-buffering": "no",
        },
      });
    },
    {
      detail: {
        tags: ["instances"],
        summary:
          "Server-sent events: a `snapshot` of the fleet (instances and guard) on connect and on every change",
        responses: {
          200: {
            description: "text/event-stream of snapshot events",
            content: { "text/event-stream": { schema: { type: "string" } } },
          },
        },
      },
    },
  );
}
