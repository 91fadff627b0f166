// Spans exported from the export thread (src/observability/export-thread/) reach a
// collector exactly as the SDK's exporter sends them from the engine's thread: the
// same spans, exported both ways to a loopback receiver, give the same OTLP bodies,
// JSON and protobuf, with parents, events, links, trace state and status.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SpanKind, SpanStatusCode, trace, TraceFlags, ROOT_CONTEXT } from "@opentelemetry/api";
import { TraceState, type ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThreadExporter } from "../../src/observability/export-thread/exporter.js";

let server: Server;
let url = "";
const bodies: Buffer[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Finished spans of every shape the exporter must carry. */
function spans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "export-thread-test", "deployment.environment": "ci" }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer("conveyor", "1.2.3");
  const other = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: TraceFlags.SAMPLED };
  // the run continues a caller's trace: its parent is remote (OTLP's span flags say so)
  const caller = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  const root = tracer.startSpan("conveyor.run", { attributes: { "conveyor.run.id": "r1", n: 3, ok: true, list: ["a", "b"] } }, caller);
  const child = tracer.startSpan(
    "conveyor.attempt",
    {
      kind: SpanKind.INTERNAL,
      attributes: { "conveyor.task.id": "7", "conveyor.attempt": 2 },
      links: [{ context: { ...other, traceState: new TraceState("vendor=value,b=2") }, attributes: { why: "retry of" } }],
    },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  child.addEvent("conveyor.backoff", { "conveyor.backoff.delay_ms": 250 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: "exited with code 3" });
  child.end();
  root.end();
  return memory.getFinishedSpans();
}

function exportWith(exporter: SpanExporter, finished: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(finished, resolve));
}

describe("the export thread", { timeout: 30_000 }, () => {
  for (const protocol of ["http/json", "http/protobuf"] as const) {
    it(`sends what the SDK's exporter sends from this thread (${protocol})`, async () => {
      const finished = spans();
      bodies.length = 0;
      const direct = protocol === "http/json" ? new JsonExporter({ url }) : new ProtoExporter({ url });
      expect((await exportWith(direct, finished)).code).toBe(0);
      await direct.shutdown();
      const threaded = new ThreadExporter({ url, protocol, serviceName: "unused here", timeoutMs: 10_000 });
      expect((await exportWith(threaded, finished)).code).toBe(0);
      await threaded.shutdown();
      expect(bodies).toHaveLength(2);
      expect(bodies[1]!.length).toBeGreaterThan(100);
      expect(bodies[1]!.equals(bodies[0]!)).toBe(true);
    });
  }

  it("fails an export it cannot send, with the collector's error, and stops when asked", async () => {
    const threaded = new ThreadExporter({ url: "http://127.0.0.1:9/v1/traces", protocol: "http/json", serviceName: "x", timeoutMs: 2_000 });
    const result = await exportWith(threaded, spans());
    expect(result.code).toBe(1);
    expect(result.error?.message).toMatch(/ECONNREFUSED|connect/i);
    await threaded.shutdown();
    expect((await exportWith(threaded, spans())).error?.message).toBe("the span export thread is stopped");
  });
});
