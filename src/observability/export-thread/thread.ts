// The export thread: spans are serialized (OTLP protobuf or JSON) and sent here,
// off the engine's event loop. Serializing took ~7.5 µs of each traced task's
// ~11 µs (a CPU profile of `npm run bench -- --only tracing`), on the thread
// that drives the runs. Spans arrive as data (wire.ts) and are made whole again
// for the SDK's exporter, which reads them as the processor would hand them over.
import { diag, DiagLogLevel, type SpanContext } from "@opentelemetry/api";
import { ExportResultCode, TraceState } from "@opentelemetry/core";
import { resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { parentPort, workerData } from "node:worker_threads";
import type { TracingSettings } from "../tracing-settings.js";
import type { Notice, Reply, Request, WireBatch, WireContext } from "./wire.js";

const port = parentPort!;
const settings = workerData as TracingSettings;

// the SDK warns through the diag logger of the thread it runs on: this one has no log of its own
const text = (x: unknown): string => {
  try {
    return typeof x === "string" ? x : String(x);
  } catch {
    return Object.prototype.toString.call(x); // an object without toString
  }
};
const notice =
  (level: Notice["level"]) =>
  (message: unknown, ...details: unknown[]) =>
    port.postMessage({ op: "diag", level, message: text(message), details: details.map(text) } satisfies Notice);
diag.setLogger(
  { error: notice("error"), warn: notice("warn"), info: () => undefined, debug: () => undefined, verbose: () => undefined },
  { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
);

function context(c: WireContext): SpanContext {
  return {
    traceId: c.traceId,
    spanId: c.spanId,
    traceFlags: c.traceFlags,
    ...(c.traceState ? { traceState: new TraceState(c.traceState) } : {}),
    ...(c.isRemote ? { isRemote: true } : {}),
  };
}

/** Resources made once per distinct set of attributes: the exporter groups spans by resource identity. */
const resources = new Map<string, Resource>();
function resourceOf(r: WireBatch["resources"][number]): Resource {
  const key = JSON.stringify(r);
  let resource = resources.get(key);
  if (!resource) resources.set(key, (resource = resourceFromAttributes(r.attributes, r.schemaUrl ? { schemaUrl: r.schemaUrl } : {})));
  return resource;
}

function spansOf(batch: WireBatch): ReadableSpan[] {
  const res = batch.resources.map(resourceOf);
  return batch.spans.map((s): ReadableSpan => {
    const ctx = context(s.context);
    return {
      name: s.name,
      kind: s.kind,
      spanContext: () => ctx,
      ...(s.parent ? { parentSpanContext: context(s.parent) } : {}),
      startTime: s.startTime,
      endTime: s.endTime,
      duration: s.duration,
      ended: true,
      attributes: s.attributes,
      events: s.events,
      links: s.links.map((l) => ({ ...l, context: context(l.context) })),
      status: s.status,
      resource: res[s.resource]!,
      instrumentationScope: batch.scopes[s.scope]!,
      droppedAttributesCount: s.droppedAttributesCount,
      droppedEventsCount: s.droppedEventsCount,
      droppedLinksCount: s.droppedLinksCount,
    };
  });
}

async function exporterFor(s: TracingSettings): Promise<SpanExporter> {
  // the OTLP exporters read OTEL_EXPORTER_OTLP_HEADERS and _COMPRESSION themselves (a thread sees the process's environment)
  const config = { url: s.url, timeoutMillis: s.timeoutMs };
  if (s.protocol === "http/json") return new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter(config);
  return new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter(config);
}

const failed = (id: number, err: unknown): Reply => ({
  id,
  code: ExportResultCode.FAILED,
  error: err instanceof Error ? err.message : String(err),
});

// not a top-level await: from source this file is loaded as CommonJS
const exporter = exporterFor(settings);
port.on("message", (req: Request) => {
  const answer = (reply: Reply) => port.postMessage(reply);
  exporter.then(
    (e) => {
      if (req.op === "export")
        e.export(spansOf(req.batch), (r) => answer({ id: req.id, code: r.code, ...(r.error ? { error: r.error.message } : {}) }));
      else
        (req.op === "flush" ? (e.forceFlush?.() ?? Promise.resolve()) : e.shutdown()).then(
          () => answer({ id: req.id, code: ExportResultCode.SUCCESS }),
          (err: unknown) => answer(failed(req.id, err)),
        );
    },
    (err: unknown) => answer(failed(req.id, err)),
  );
});
