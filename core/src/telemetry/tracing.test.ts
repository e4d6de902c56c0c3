import { describe, expect, test } from "bun:test";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { Type } from "@sinclair/typebox";
import { defineEvents } from "../bus/catalog";
import { createInProcessBus } from "../bus/in-process";
import { createRabbitMqBus } from "../bus/rabbitmq";
import { testVhost } from "../bus/rabbitmq-test-vhost";
import type { EventEnvelope } from "../bus/types";
import { createHttpClient } from "../http/client";
import { staticDiscovery } from "../http/discovery";
import { createLogger } from "../log";
import { createService } from "../service/create-service";
import { waitFor } from "../testing/wait-for";
import { traceBus } from "./traced-bus";
import { createTracing, formatTraceparent, parseTraceparent } from "./tracing";

const catalog = defineEvents({ "order.placed": Type.Object({ orderId: Type.String() }) });
const logger = createLogger({ level: "error", write: () => {} });
const INCOMING = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const mq = await testVhost();
const adapters = [
  {
    name: "in-process",
    skip: undefined,
    create: () => createInProcessBus({ catalog, source: "/services/trading" }),
  },
  {
    name: "rabbitmq",
    skip: mq.reason,
    create: () => createRabbitMqBus({ catalog, source: "/services/trading", connection: mq.url }),
  },
];

const byKind = (spans: ReadableSpan[], name: string) => spans.find((s) => s.name === name);
const parentOf = (span: ReadableSpan | undefined) => span?.parentSpanContext?.spanId;

describe("tracing", () => {
  test("parses and formats traceparent; rejects invalid ones", () => {
    const sc = parseTraceparent(INCOMING);
    expect(sc?.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(formatTraceparent(sc!)).toBe(INCOMING);
    expect(parseTraceparent("00-00000000000000000000000000000000-b7ad6b7169203331-01")).toBeUndefined();
    expect(parseTraceparent("garbage")).toBeUndefined();
    expect(parseTraceparent(undefined)).toBeUndefined();
  });

  for (const adapter of adapters) {
    (adapter.skip ? test.skip : test)(
      `HTTP in → publish → consume share one trace through the envelope's traceparent (${adapter.name}${adapter.skip ? `, skipped: ${adapter.skip}` : ""})`,
      async () => {
        const exporter = new InMemorySpanExporter();
        const tracing = createTracing({ service: "trading", exporter });
        const bus = traceBus(adapter.create(), tracing);
        const consumed: EventEnvelope[] = [];
        const seenInHandler: (string | undefined)[] = [];
        await bus.subscribe({ consumer: "dashboard", patterns: ["order.*"] }, (event) => {
          consumed.push(event);
          seenInHandler.push(tracing.currentTraceparent());
        });
        const service = createService({
          name: "trading",
          version: "0",
          port: 0,
          infra: "embedded",
          logger,
          tracing,
        });
        service.app.post("/orders/:id", async ({ params }) => {
          const event = await bus.publish({
            type: "order.placed",
            subject: params.id,
            data: { orderId: params.id },
          });
          return { id: event.id };
        });

        const res = await service.app.handle(
          new Request("http://localhost/orders/o1", { method: "POST", headers: { traceparent: INCOMING } }),
        );
        expect(res.status).toBe(200);
        await waitFor(() => consumed.length === 1 && exporter.getFinishedSpans().length >= 3);

        const spans = exporter.getFinishedSpans();
        const server = byKind(spans, "POST /orders/:id");
        const publish = byKind(spans, "publish order.placed");
        const consume = byKind(spans, "process order.placed");
        expect(server && publish && consume).toBeTruthy();
        // The server span continues the caller's trace.
        expect(server!.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
        expect(parentOf(server)).toBe("b7ad6b7169203331");
        expect(server!.attributes["http.response.status_code"]).toBe(200);
        expect(server!.attributes["http.route"]).toBe("/orders/:id");
        expect(server!.attributes["url.path"]).toBe("/orders/o1");
        // publish is a child of the server span, consume a child of publish, all in one trace.
        expect(publish!.spanContext().traceId).toBe(server!.spanContext().traceId);
        expect(parentOf(publish)).toBe(server!.spanContext().spanId);
        expect(consume!.spanContext().traceId).toBe(server!.spanContext().traceId);
        expect(parentOf(consume)).toBe(publish!.spanContext().spanId);
        expect(consumed[0]!.traceparent).toBe(formatTraceparent(publish!.spanContext()));
        // The handler runs inside the consumer span.
        expect(seenInHandler[0]).toBe(formatTraceparent(consume!.spanContext()));
        await bus.close();
        await tracing.shutdown();
      },
    );
  }

  test("a request without traceparent starts a trace; a failing handler marks the span", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ service: "s", exporter });
    const service = createService({ name: "s", version: "0", port: 0, infra: "embedded", logger, tracing });
    service.app.get("/boom", () => {
      throw new Error("boom");
    });
    expect((await service.app.handle(new Request("http://localhost/boom"))).status).toBe(500);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe("GET /boom");
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.status.code).toBe(2);
  });

  test("withClientSpan injects its traceparent, child of the active span or of the given parent", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ service: "s", exporter });
    const headers = new Headers();
    await tracing.withClientSpan("GET", async (inject) => inject(headers), {
      parent: new Headers({ traceparent: INCOMING }),
    });
    const [client] = exporter.getFinishedSpans();
    expect(headers.get("traceparent")).toBe(formatTraceparent(client!.spanContext()));
    expect(client!.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(parentOf(client)).toBe("b7ad6b7169203331");
  });

  test("the resilient client's call is a client span under the server span, and sends its traceparent", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ service: "gateway", exporter });
    const sent: (string | null)[] = [];
    const client = createHttpClient({
      discovery: staticDiscovery({ trading: ["http://127.0.0.1:1"] }),
      tracing,
      fetch: (async (_url: string, init: RequestInit) => {
        sent.push(new Headers(init.headers).get("traceparent"));
        return new Response("ok");
      }) as unknown as typeof fetch,
    });
    const service = createService({
      name: "gateway",
      version: "0",
      port: 0,
      infra: "embedded",
      logger,
      tracing,
    });
    service.app.get("/proxy", async ({ request }) => {
      const res = await client.fetch("http://trading/orders?limit=5", {
        context: { headers: request.headers },
      });
      return res.text();
    });
    const res = await service.app.handle(
      new Request("http://localhost/proxy", { headers: { traceparent: INCOMING } }),
    );
    expect(await res.text()).toBe("ok");
    const spans = exporter.getFinishedSpans();
    const server = byKind(spans, "GET /proxy");
    const call = spans.find((s) => s.kind === 2);
    expect(call?.attributes["server.address"]).toBe("trading");
    expect(call?.attributes["url.path"]).toBe("/orders");
    expect(call?.attributes["http.response.status_code"]).toBe(200);
    expect(parentOf(call)).toBe(server!.spanContext().spanId);
    expect(call!.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(sent).toEqual([formatTraceparent(call!.spanContext())]);
  });
});
