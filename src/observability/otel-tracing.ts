// Tracing with OpenTelemetry: the engine's tracer port (src/engine/tracing.ts)
// and the API's GraphQL operation spans (Envelop's OpenTelemetry plugin), over
// one tracer provider that exports OTLP over HTTP. Loaded with import() only
// when tracing is configured (tracing-settings.ts), so that a process with
// tracing off never loads the SDK.
import { diag, DiagLogLevel, ROOT_CONTEXT, trace, SpanStatusCode, TraceFlags, type Context, type Span } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { getCurrentOtelContext, setCurrentOtelContext, useOpenTelemetry } from "@envelop/opentelemetry";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../engine/ports.js";
import type { TraceAttributes, TraceSpan, Tracer } from "../engine/tracing.js";
import { LiteSpan, type LiteParent } from "./lite-span.js";
import type { TracingSettings } from "./tracing-settings.js";

const w3c = new W3CTraceContextPropagator();
const headerGetter = {
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
  get: (carrier: Record<string, string>, key: string) => carrier[key],
};

/** A span's context as a W3C traceparent header. */
export function traceparentOf(span: Span): string {
  const c = span.spanContext();
  return `00-${c.traceId}-${c.spanId}-${(c.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/** The context a valid traceparent (and tracestate) continues; ROOT_CONTEXT when it is absent or malformed. */
export function contextFrom(traceparent: string | undefined, tracestate?: string): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, { traceparent, ...(tracestate ? { tracestate } : {}) }, headerGetter);
}

class OtelSpan implements TraceSpan {
  private parent: string | undefined;
  /** What lite children need of this span; undefined when it is not recorded or not sampled. */
  readonly lite: LiteParent | undefined;

  constructor(
    readonly span: Span,
    processor: SpanProcessor,
  ) {
    const context = span.spanContext();
    const sdk = span as Partial<ReadableSpan>;
    this.lite =
      span.isRecording() && context.traceFlags & TraceFlags.SAMPLED && sdk.resource && sdk.instrumentationScope
        ? { context, resource: sdk.resource, scope: sdk.instrumentationScope, processor }
        : undefined;
  }

  get traceparent(): string {
    return (this.parent ??= traceparentOf(this.span));
  }

  event(name: string, attributes?: TraceAttributes, at?: number): void {
    this.span.addEvent(name, attributes, at);
  }

  setAttributes(attributes: TraceAttributes): void {
    this.span.setAttributes(attributes);
  }

  end(outcome: { error?: string } = {}, at?: number): void {
    if (outcome.error !== undefined) this.span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error });
    this.span.end(at);
  }
}

/** How long stopping waits for the last spans to go: an unreachable collector must not hold up a process's exit. */
const SHUTDOWN_LIMIT_MS = 3_000;

export interface OpenTracingOptions {
  /** Where the SDK's warnings go (a collector that cannot be reached, spans dropped). */
  logger?: Logger;
  /** Spans go here instead of OTLP (tests: InMemorySpanExporter). */
  exporter?: SpanExporter;
  /** Export each span as it ends instead of in batches (tests). */
  simple?: boolean;
}

/** The engine's tracer and the API's plugins over one OpenTelemetry tracer provider. */
export class OtelTracing implements Tracer {
  readonly provider: BasicTracerProvider;
  private readonly tracer;
  private readonly processor: SpanProcessor;

  constructor(
    exporter: SpanExporter,
    serviceName: string,
    simple = false,
    private readonly logger?: Logger,
  ) {
    // OTEL_RESOURCE_ATTRIBUTES (read by the SDK's env detector) add to the service name
    const resource = resourceFromAttributes({ "service.name": serviceName }).merge(detectResources({ detectors: [envDetector] }));
    this.processor = simple ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
    this.provider = new BasicTracerProvider({ resource, spanProcessors: [this.processor] });
    this.tracer = this.provider.getTracer("conveyor");
  }

  startRoot(name: string, attributes: TraceAttributes, traceparent?: string, at?: number): TraceSpan {
    return new OtelSpan(
      this.tracer.startSpan(name, { attributes, ...(at !== undefined ? { startTime: at } : {}) }, contextFrom(traceparent)),
      this.processor,
    );
  }

  startChild(parent: TraceSpan, name: string, attributes: TraceAttributes, at?: number): TraceSpan {
    // the children of a recorded, sampled span are made lite (lite-span.ts); of any other, by the SDK (not recorded)
    const lite = parent instanceof LiteSpan ? parent : (parent as OtelSpan).lite;
    if (lite) return new LiteSpan(lite, name, attributes, at);
    const ctx = trace.setSpan(ROOT_CONTEXT, (parent as OtelSpan).span);
    return new OtelSpan(this.tracer.startSpan(name, { attributes, ...(at !== undefined ? { startTime: at } : {}) }, ctx), this.processor);
  }

  /**
   * GraphQL operations as spans (Envelop's plugin), each the child of the request's
   * `traceparent` header when it has one (ApiContext.traceparent, seeded first).
   */
  graphqlPlugins(): Plugin[] {
    const seed: Plugin = {
      onExecute({ args }) {
        const ctx = args.contextValue as { traceparent?: string; tracestate?: string };
        if (ctx.traceparent) setCurrentOtelContext(ctx, contextFrom(ctx.traceparent, ctx.tracestate));
      },
      onSubscribe({ args }) {
        const ctx = args.contextValue as { traceparent?: string; tracestate?: string };
        if (ctx.traceparent) setCurrentOtelContext(ctx, contextFrom(ctx.traceparent, ctx.tracestate));
      },
    };
    // variables and results stay out of spans: they may carry task definitions and secrets
    return [seed, useOpenTelemetry({ resolvers: false, variables: false, result: false }, this.provider) as Plugin];
  }

  /** The traceparent of the GraphQL operation span that `graphqlContext` executes under. */
  operationTraceparent(graphqlContext: object): string | undefined {
    const span = trace.getSpan(getCurrentOtelContext(graphqlContext));
    return span ? traceparentOf(span) : undefined;
  }

  /** Sends what is buffered; a failure is logged, never thrown (spans are not worth failing for). */
  async flush(): Promise<void> {
    await this.provider.forceFlush().catch((err: unknown) => this.exportFailed(err));
  }

  async shutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_LIMIT_MS)));
    const done = this.provider.shutdown().catch((err: unknown) => this.exportFailed(err));
    await Promise.race([done, limit]).finally(() => clearTimeout(timer));
  }

  private exportFailed(err: unknown): void {
    this.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, "tracing: spans could not be sent");
  }
}

/** Tracing as configured: spans exported over OTLP/HTTP (JSON or protobuf) to `settings.url`. */
export async function openTracing(settings: TracingSettings, o: OpenTracingOptions = {}): Promise<OtelTracing> {
  const logger = o.logger;
  if (logger) {
    // export failures are otherwise silent: the SDK reports them through its diag logger
    const warn = (message: string, ...args: unknown[]) => logger.warn({ details: args.map(String) }, `tracing: ${message}`);
    diag.setLogger(
      { error: warn, warn, info: () => undefined, debug: () => undefined, verbose: () => undefined },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
  }
  const exporter = o.exporter ?? (await otlpExporter(settings));
  return new OtelTracing(exporter, settings.serviceName, o.simple ?? false, logger);
}

/** The OTLP exporter, on a thread of its own (export-thread/): serializing spans is most of what tracing costs. */
async function otlpExporter(s: TracingSettings): Promise<SpanExporter> {
  return new (await import("./export-thread/exporter.js")).ThreadExporter(s);
}
