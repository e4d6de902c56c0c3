import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";

export interface TracingOptions {
  /** `service.name` of every span. */
  service: string;
  /**
   * The OTLP/HTTP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`, e.g. `http://collector:4318`); `/v1/traces`
   * is appended unless present. Without it nothing is exported, but spans are still created so the
   * `traceparent` of every call and event carries the trace on.
   */
  exporterUrl?: string;
  /** Defaults to parent-based always-on (the SDK default). */
  sampler?: Sampler;
  /** An extra exporter, flushed span by span (tests: `InMemorySpanExporter`). */
  exporter?: SpanExporter;
}

/** What an event carries for tracing: its type, id and the `traceparent` extension. */
export interface TracedEvent {
  type: string;
  id?: string;
  traceparent?: string;
}

/** A service's tracer with Diana's span helpers. Core emits spans; it never logs. */
export interface Tracing {
  readonly service: string;
  readonly tracer: Tracer;
  /** The active span, if any. */
  activeSpan(): Span | undefined;
  /** The W3C `traceparent` of the active span, if any. */
  currentTraceparent(): string | undefined;
  /** Runs `fn` with `span` active. */
  withSpan<T>(span: Span, fn: () => T): T;
  /**
   * A server span around an incoming request, continuing its `traceparent`; `fn` runs inside it.
   * Named `<METHOD>` until {@link Span.updateName} gives it the route template. A `Response` result
   * sets `http.response.status_code` (5xx marks the span failed).
   */
  withServerSpan<T>(request: Request, fn: (span: Span) => T | Promise<T>): Promise<T>;
  /**
   * A client span for an outgoing call, child of the active span (else of `options.parent`'s
   * `traceparent`); `fn` gets `inject`, which sets the span's `traceparent` on the outgoing headers.
   */
  withClientSpan<T>(
    name: string,
    fn: (inject: (headers: Headers) => void, span: Span) => Promise<T>,
    options?: { parent?: Headers; attributes?: Attributes },
  ): Promise<T>;
  /**
   * A producer span for publishing `event`: child of the event's own `traceparent` (an outbox row
   * carries its business trace) or else of the active span. `fn` gets the producer span's
   * `traceparent`, which goes into the envelope.
   */
  publishSpan<T>(
    event: TracedEvent,
    fn: (traceparent: string, span: Span) => Promise<T>,
    options?: { attributes?: Attributes },
  ): Promise<T>;
  /** A consumer span, child of the envelope's `traceparent`; `fn` (the handler) runs inside it. */
  consumeSpan<T>(
    envelope: TracedEvent,
    fn: (span: Span) => T | Promise<T>,
    options?: { consumer?: string; attributes?: Attributes },
  ): Promise<T>;
  /** Exports what is buffered. */
  forceFlush(): Promise<void>;
  /** Flushes and stops exporting. */
  shutdown(): Promise<void>;
}

// One AsyncLocalStorage context manager for every tracer in the process (the suite runs many services
// in one), never registered globally: Diana's helpers pass contexts explicitly.
let sharedContextManager: AsyncLocalStorageContextManager | undefined;
const contextManager = () => {
  sharedContextManager ??= new AsyncLocalStorageContextManager().enable();
  return sharedContextManager;
};

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Parses a W3C `traceparent`; undefined when absent or invalid. */
export function parseTraceparent(value: string | null | undefined): SpanContext | undefined {
  if (!value) return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (!m || m[1] === "ff") return undefined;
  const traceId = m[2]!;
  const spanId = m[3]!;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(m[4]!, 16) & 1, isRemote: true };
}

/** The W3C `traceparent` of a span context. */
export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${sc.traceFlags & TraceFlags.SAMPLED ? "01" : "00"}`;
}

const remoteContext = (traceparent: string | null | undefined): Context | undefined => {
  const sc = parseTraceparent(traceparent);
  return sc ? trace.setSpanContext(ROOT_CONTEXT, sc) : undefined;
};

/** The path of an absolute URL, without parsing all of it. */
const pathOf = (url: string) => {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.indexOf("?", start);
  return url.slice(start, end < 0 ? undefined : end);
};

const fail = (span: Span, error: unknown) => {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
};

/**
 * The tracer of one service: a tracer provider with an AsyncLocalStorage context manager, an
 * OTLP/HTTP exporter when `exporterUrl` is set, and the span helpers the kit wires into HTTP in and
 * out, the bus and the outbox.
 *
 * @example
 * const tracing = createTracing({ service: "trading", exporterUrl: env.OTEL_EXPORTER_OTLP_ENDPOINT });
 * await tracing.withServerSpan(request, () => handle(request));
 */
export function createTracing(options: TracingOptions): Tracing {
  const processors: SpanProcessor[] = [];
  if (options.exporterUrl) {
    const base = options.exporterUrl.replace(/\/+$/, "");
    const url = base.endsWith("/v1/traces") ? base : `${base}/v1/traces`;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  if (options.exporter) processors.push(new SimpleSpanProcessor(options.exporter));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": options.service }),
    spanProcessors: processors,
    ...(options.sampler ? { sampler: options.sampler } : {}),
  });
  const tracer = provider.getTracer("@diana/core");
  const cm = contextManager();
  const active = () => cm.active();

  /** Runs `fn` with `span` active over `parent`, ending it when `fn` settles; `onResult` may annotate it first. */
  async function run<T>(
    parent: Context,
    span: Span,
    fn: () => T | Promise<T>,
    onResult?: (result: T) => void,
  ): Promise<T> {
    try {
      const result = await cm.with(trace.setSpan(parent, span), fn);
      onResult?.(result);
      return result;
    } catch (error) {
      fail(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  return {
    service: options.service,
    tracer,
    activeSpan: () => trace.getSpan(active()),
    currentTraceparent() {
      const span = trace.getSpan(active());
      return span ? formatTraceparent(span.spanContext()) : undefined;
    },
    withSpan: (span, fn) => cm.with(trace.setSpan(active(), span), fn),

    withServerSpan(request, fn) {
      const parent = remoteContext(request.headers.get("traceparent")) ?? ROOT_CONTEXT;
      const span = tracer.startSpan(
        request.method,
        {
          kind: SpanKind.SERVER,
          attributes: { "http.request.method": request.method, "url.path": pathOf(request.url) },
        },
        parent,
      );
      return run(
        parent,
        span,
        () => fn(span),
        (result) => {
          if (!(result instanceof Response)) return;
          span.setAttribute("http.response.status_code", result.status);
          if (result.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        },
      );
    },

    withClientSpan(name, fn, spanOptions) {
      const current = active();
      const parent = trace.getSpan(current)
        ? current
        : (remoteContext(spanOptions?.parent?.get("traceparent")) ?? current);
      const span = tracer.startSpan(
        name,
        { kind: SpanKind.CLIENT, attributes: spanOptions?.attributes },
        parent,
      );
      const traceparent = formatTraceparent(span.spanContext());
      return run(
        parent,
        span,
        () => fn((headers) => headers.set("traceparent", traceparent), span),
        (result) => {
          if (result instanceof Response) span.setAttribute("http.response.status_code", result.status);
        },
      );
    },

    publishSpan(event, fn, spanOptions) {
      const parent = remoteContext(event.traceparent) ?? active();
      const span = tracer.startSpan(
        `publish ${event.type}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            "messaging.operation.type": "publish",
            "messaging.destination.name": event.type,
            ...(event.id ? { "messaging.message.id": event.id } : {}),
            ...spanOptions?.attributes,
          },
        },
        parent,
      );
      const traceparent = formatTraceparent(span.spanContext());
      return run(parent, span, () => fn(traceparent, span));
    },

    consumeSpan(envelope, fn, spanOptions) {
      const parent = remoteContext(envelope.traceparent) ?? ROOT_CONTEXT;
      const span = tracer.startSpan(
        `process ${envelope.type}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            "messaging.operation.type": "process",
            "messaging.destination.name": envelope.type,
            ...(envelope.id ? { "messaging.message.id": envelope.id } : {}),
            ...(spanOptions?.consumer ? { "messaging.consumer.group.name": spanOptions.consumer } : {}),
            ...spanOptions?.attributes,
          },
        },
        parent,
      );
      return run(parent, span, () => fn(span));
    },

    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
