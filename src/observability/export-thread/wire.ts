// Finished spans as they cross to the export thread: plain data a structured clone
// carries (a span's context is a function, its trace state an object with
// methods), with each batch's resources and scopes sent once and referred to by index.
import type { Attributes, HrTime, Link, SpanContext, SpanStatus } from "@opentelemetry/api";
import type { InstrumentationScope } from "@opentelemetry/core";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace-base";

export interface WireContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState?: string;
  /** Continued from another process (a traceparent): OTLP's span flags say so. */
  isRemote?: boolean;
}

export interface WireSpan {
  name: string;
  kind: number;
  context: WireContext;
  parent?: WireContext;
  startTime: HrTime;
  endTime: HrTime;
  duration: HrTime;
  attributes: Attributes;
  events: TimedEvent[];
  links: { context: WireContext; attributes?: Attributes; droppedAttributesCount?: number }[];
  status: SpanStatus;
  resource: number;
  scope: number;
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
}

export interface WireBatch {
  resources: { attributes: Attributes; schemaUrl?: string }[];
  scopes: InstrumentationScope[];
  spans: WireSpan[];
}

/** Main thread to export thread; each is answered by a Reply of the same id. */
export type Request = { id: number; op: "export"; batch: WireBatch } | { id: number; op: "flush" } | { id: number; op: "shutdown" };
/** code: ExportResultCode (0 success, 1 failed). */
export type Reply = { id: number; code: number; error?: string };
/**
 * Export thread to main thread, unasked: what the SDK told the thread's diag logger (a retry, a
 * bad OTEL_EXPORTER_OTLP_* setting), passed on to the process's own diag logger, which the logs see.
 */
export type Notice = { op: "diag"; level: "warn" | "error"; message: string; details: string[] };
export type FromThread = Reply | Notice;

function wireContext(c: SpanContext): WireContext {
  const state = c.traceState?.serialize();
  return {
    traceId: c.traceId,
    spanId: c.spanId,
    traceFlags: c.traceFlags,
    ...(state ? { traceState: state } : {}),
    ...(c.isRemote ? { isRemote: true } : {}),
  };
}

const wireLink = (l: Link) => ({
  context: wireContext(l.context),
  ...(l.attributes ? { attributes: l.attributes } : {}),
  ...(l.droppedAttributesCount ? { droppedAttributesCount: l.droppedAttributesCount } : {}),
});

/** The spans of one export, as data. */
export function toWire(spans: readonly ReadableSpan[]): WireBatch {
  const resources = new Map<object, number>();
  const scopes = new Map<object, number>();
  const batch: WireBatch = { resources: [], scopes: [], spans: [] };
  for (const s of spans) {
    let resource = resources.get(s.resource);
    if (resource === undefined) {
      resources.set(s.resource, (resource = batch.resources.length));
      batch.resources.push({ attributes: s.resource.attributes, ...(s.resource.schemaUrl ? { schemaUrl: s.resource.schemaUrl } : {}) });
    }
    let scope = scopes.get(s.instrumentationScope);
    if (scope === undefined) {
      scopes.set(s.instrumentationScope, (scope = batch.scopes.length));
      batch.scopes.push({ ...s.instrumentationScope });
    }
    batch.spans.push({
      name: s.name,
      kind: s.kind,
      context: wireContext(s.spanContext()),
      ...(s.parentSpanContext ? { parent: wireContext(s.parentSpanContext) } : {}),
      startTime: s.startTime,
      endTime: s.endTime,
      duration: s.duration,
      attributes: s.attributes,
      events: s.events,
      links: s.links.map(wireLink),
      status: s.status,
      resource,
      scope,
      droppedAttributesCount: s.droppedAttributesCount,
      droppedEventsCount: s.droppedEventsCount,
      droppedLinksCount: s.droppedLinksCount,
    });
  }
  return batch;
}
