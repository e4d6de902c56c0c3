import { RELEASE_EVENT, type Release } from "@diana/core/config";
import { Elysia } from "elysia";
import type { ReleaseFeed } from "../domain/release-feed";
import type { ReleaseStore } from "../domain/release-store";
import { NsParams } from "./namespaces";

/** Past this many missed releases a reconnecting client gets only the latest: config is state, not a log. */
const MAX_CATCH_UP = 100;

export interface StreamOptions {
  namespace: string;
  /** The last version the client saw (`Last-Event-ID`); without it the stream starts with the current release. */
  lastEventId?: number;
  store: ReleaseStore;
  feed: ReleaseFeed;
  heartbeatMs: number;
  /** Open streams register a closer here so a stopping service can end them. */
  open: Set<() => void>;
  onError(e: unknown): void;
}

const encoder = new TextEncoder();
const frame = (r: Release) =>
  encoder.encode(`id: ${r.version}\nevent: ${RELEASE_EVENT}\ndata: ${JSON.stringify(r)}\n\n`);

/**
 * One SSE connection: each release of the namespace once and in version order (gaps are read back
 * from the store), and a comment every `heartbeatMs` so proxies and idle timers keep it open.
 */
export function releaseStream(o: StreamOptions): Response {
  let last = o.lastEventId ?? 0;
  let chain = Promise.resolve();
  let cleanup = () => {};

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const send = (bytes: Uint8Array) => {
        if (!closed) controller.enqueue(bytes);
      };
      const deliver = async (upTo: Release | null) => {
        if (upTo && upTo.version <= last) return;
        let batch: Release[];
        if (upTo && upTo.version === last + 1) batch = [upTo];
        else if (last === 0 && o.lastEventId === undefined) {
          const head = upTo ?? (await o.store.current(o.namespace));
          batch = head ? [head] : [];
        } else if (upTo && upTo.version - last > MAX_CATCH_UP) batch = [upTo];
        else {
          batch = await o.store.range(o.namespace, last, upTo?.version);
          if (batch.length > MAX_CATCH_UP) batch = batch.slice(-1);
        }
        for (const r of batch) {
          if (r.version <= last) continue;
          send(frame(r));
          last = r.version;
        }
      };
      const enqueue = (upTo: Release | null) => {
        chain = chain.then(() => deliver(upTo)).catch(o.onError);
      };
      const unsubscribe = o.feed.subscribe(o.namespace, enqueue);
      const beat = setInterval(() => send(encoder.encode(": heartbeat\n\n")), o.heartbeatMs);
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(beat);
        unsubscribe();
        o.open.delete(cleanup);
        try {
          controller.close();
        } catch {}
      };
      o.open.add(cleanup);
      send(encoder.encode(": connected\n\n"));
      // Catch up: the current release for a new client, or what was missed since Last-Event-ID.
      enqueue(null);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}

/** `GET /namespaces/:ns/stream`: the SSE push of releases. */
export function streamRoutes(o: Omit<StreamOptions, "namespace" | "lastEventId">) {
  return new Elysia({ name: "config:stream" }).get(
    "/namespaces/:ns/stream",
    async ({ params, headers }) => {
      await o.store.exists(params.ns);
      const raw = headers["last-event-id"];
      const lastEventId = raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
      return releaseStream({ ...o, namespace: params.ns, lastEventId });
    },
    {
      params: NsParams,
      detail: {
        tags: ["releases"],
        summary:
          "Server-sent events: one `release` event per release (id = version), the current one first; resumes after `Last-Event-ID`; heartbeat comments",
        responses: {
          200: {
            description: "An event stream",
            content: { "text/event-stream": { schema: { type: "string" } } },
          },
          404: {
            description: "No such namespace",
            content: { "application/problem+json": { schema: { type: "object" } } },
          },
        },
      },
    },
  );
}
