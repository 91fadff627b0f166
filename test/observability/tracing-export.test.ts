// Tracing's configuration (the OTEL_* variables), its export over OTLP/HTTP to
// a real receiver on loopback, and the API: a GraphQL operation span from
// Envelop's plugin continuing the caller's traceparent, with the run it starts
// (and a REST start) in the same trace.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidOptionError } from "../../src/core/errors.js";
import { OtelTracing, openTracing } from "../../src/observability/otel-tracing.js";
import { tracingSettings } from "../../src/observability/tracing-settings.js";
import { storeKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../api/support/server.js";

const kinds = await storeKinds();

const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";
const CALLER = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

describe("tracing settings (OTEL_*)", () => {
  it("is off by default, and with OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none", () => {
    expect(tracingSettings({})).toBeUndefined();
    expect(tracingSettings({ OTEL_SERVICE_NAME: "x" })).toBeUndefined();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" })).toBeUndefined();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "none" })).toBeUndefined();
  });

  it("turns on with an endpoint, or OTEL_TRACES_EXPORTER=otlp for the default one", () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" })).toEqual({
      url: "http://collector:4318/v1/traces",
      protocol: "http/protobuf",
      serviceName: "conveyor",
      timeoutMs: 10_000,
    });
    expect(
      tracingSettings({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://c/custom",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_SERVICE_NAME: "conv-a",
        OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
      }),
    ).toEqual({
      url: "https://c/custom",
      protocol: "http/json",
      serviceName: "conv-a",
      timeoutMs: 2_500,
    });
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: "otlp" })?.url).toBe("http://localhost:4318/v1/traces");
  });

  it("names the variable that is wrong", () => {
    const refused = (env: NodeJS.ProcessEnv) => {
      try {
        tracingSettings(env);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidOptionError);
        return (err as Error).message;
      }
      throw new Error("accepted");
    };
    expect(refused({ OTEL_TRACES_EXPORTER: "zipkin" })).toMatch(/^OTEL_TRACES_EXPORTER: .*otlp or none/);
    expect(refused({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toMatch(/^OTEL_EXPORTER_OTLP_ENDPOINT: /);
    expect(refused({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "not a url" })).toMatch(/^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: not a URL/);
    expect(refused({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "5s" })).toMatch(
      /^OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: a whole number of milliseconds/,
    );
    expect(refused({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc" })).toMatch(
      /^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: .*http\/protobuf or http\/json/,
    );
  });
});

describe("OTLP/HTTP export to a loopback receiver", () => {
  let server: Server;
  let base = "";
  const received: { path: string; type: string; body: Buffer }[] = [];
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ path: req.url ?? "", type: String(req.headers["content-type"]), body: Buffer.concat(chunks) });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("sends a run's spans as OTLP JSON, with the service name and the parent links", async () => {
    const settings = tracingSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: base,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "conveyor-otlp-test",
    })!;
    const tracing = await openTracing(settings);
    const root = tracing.startRoot("conveyor.run", { "conveyor.run.id": "r1" }, CALLER);
    const attempt = tracing.startChild(root, "conveyor.attempt", { "conveyor.task.id": "7", "conveyor.attempt": 2 });
    attempt.end({ error: "exit code 3" });
    root.end();
    await tracing.shutdown();
    const got = received.filter((r) => r.path === "/v1/traces");
    expect(got.length).toBeGreaterThan(0);
    expect(got[0]!.type).toMatch(/application\/json/);
    const body = JSON.parse(got.map((g) => g.body.toString())[0]!);
    const rs = body.resourceSpans[0];
    expect(rs.resource.attributes).toContainEqual({ key: "service.name", value: { stringValue: "conveyor-otlp-test" } });
    const spans = rs.scopeSpans.flatMap((s: { spans: unknown[] }) => s.spans) as {
      name: string;
      traceId: string;
      spanId: string;
      parentSpanId?: string;
      status: { code: number };
    }[];
    const run = spans.find((s) => s.name === "conveyor.run")!;
    const att = spans.find((s) => s.name === "conveyor.attempt")!;
    expect(run.traceId).toBe(CALLER_TRACE);
    expect(run.parentSpanId).toBe(CALLER_SPAN);
    expect(att.parentSpanId).toBe(run.spanId);
    expect(att.status.code).toBe(2); // ERROR
  });

  it("sends OTLP protobuf by default", async () => {
    received.length = 0;
    const tracing = await openTracing(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${base}/traces-here` })!);
    tracing.startRoot("conveyor.run", {}).end();
    await tracing.shutdown();
    expect(received.map((r) => [r.path, r.type])).toEqual([["/traces-here", "application/x-protobuf"]]);
    expect(received[0]!.body.includes(Buffer.from("conveyor.run"))).toBe(true);
  });
});

describe("an unreachable collector", () => {
  it("is reported as a warning, and stopping does not wait on it for long", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_o: object, msg?: string) => void warnings.push(msg ?? "") };
    const tracing = await openTracing(
      tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_TIMEOUT: "300" })!,
      { logger },
    );
    tracing.startRoot("conveyor.run", {}).end();
    const t0 = Date.now();
    await tracing.shutdown();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(warnings.some((w) => w.startsWith("tracing: "))).toBe(true);
  });
});

describe("the exporter's own warnings", () => {
  it("reach the log from the export thread", async () => {
    // the SDK warns about a setting it cannot use where it reads it: on the export thread
    const was = process.env.OTEL_EXPORTER_OTLP_COMPRESSION;
    process.env.OTEL_EXPORTER_OTLP_COMPRESSION = "zip";
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_o: object, msg?: string) => void warnings.push(msg ?? "") };
    try {
      const tracing = await openTracing(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" })!, { logger });
      // the thread warns as it builds its exporter, before it answers the shutdown on the same port
      await tracing.shutdown();
      expect(warnings).toContainEqual(expect.stringMatching(/^tracing: Configuration: OTEL_EXPORTER_OTLP_COMPRESSION is invalid/));
    } finally {
      if (was === undefined) delete process.env.OTEL_EXPORTER_OTLP_COMPRESSION;
      else process.env.OTEL_EXPORTER_OTLP_COMPRESSION = was;
    }
  });
});

describe.each(kinds)("API traces on %s", (kind) => {
  let s: TestServer;
  const exporter = new InMemorySpanExporter();
  const tracing = new OtelTracing(exporter, "conveyor-api-test", true);
  beforeAll(async () => {
    s = await startTestServer(kind, {}, { tracing });
  });
  afterAll(async () => s?.close());

  const runRoot = (runId: string) =>
    exporter.getFinishedSpans().find((x) => x.name === "conveyor.run" && x.attributes["conveyor.run.id"] === runId);
  const parentOf = (x: ReadableSpan) => x.parentSpanContext?.spanId;

  it("startRun with a traceparent: the operation span is the caller's child, the run span the operation's", async () => {
    const res = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: CALLER },
      body: JSON.stringify({
        query:
          'mutation Go { startRun(input: { inline: [{ id: "a", title: "a" }], options: { executor: "fn" } }) { ... on StartRunPayload { run { id } } } }',
      }),
    });
    const body = (await res.json()) as { data: { startRun: { run: { id: string } } } };
    const runId = body.data.startRun.run.id;
    await s.app.engine.waitForRun(runId);
    await tracing.flush();
    const op = exporter.getFinishedSpans().find((x) => x.name === "mutation.Go")!;
    expect(op, "the GraphQL operation's span").toBeDefined();
    expect(op.attributes["graphql.execute.operationType"]).toBe("mutation");
    expect(op.spanContext().traceId).toBe(CALLER_TRACE);
    expect(parentOf(op)).toBe(CALLER_SPAN);
    const run = runRoot(runId)!;
    expect(run.spanContext().traceId).toBe(CALLER_TRACE);
    expect(parentOf(run)).toBe(op.spanContext().spanId);
  });

  it("queries get spans too; without a traceparent a run starts a trace of its own", async () => {
    const r = await s.gql<{ startRun: { run: { id: string } } }>(
      'mutation { startRun(input: { inline: [{ id: "b", title: "b" }], options: { executor: "fn" } }) { ... on StartRunPayload { run { id } } } }',
    );
    const runId = r.body.data!.startRun.run.id;
    await s.app.engine.waitForRun(runId);
    await s.gql(`query Look { run(id: "${runId}") { id status } }`);
    await tracing.flush();
    const run = runRoot(runId)!;
    expect(run.spanContext().traceId).not.toBe(CALLER_TRACE);
    const op = exporter
      .getFinishedSpans()
      .find((x) => x.name === "mutation.anonymous" && x.spanContext().traceId === run.spanContext().traceId);
    expect(parentOf(run)).toBe(op!.spanContext().spanId);
    expect(exporter.getFinishedSpans().some((x) => x.name === "query.Look")).toBe(true);
  });

  it("REST start with a traceparent: the run span is the caller's child", async () => {
    const res = await fetch(`${s.url}/api/workflows/multi-task`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: CALLER, "x-conveyor-csrf": "1" },
      body: JSON.stringify({ tasks: [{ id: "c", title: "c" }], options: { executor: "fn" } }),
    });
    expect(res.status).toBe(201);
    const runId = ((await res.json()) as { workflow_id: string }).workflow_id;
    await s.app.engine.waitForRun(runId);
    await tracing.flush();
    const run = runRoot(runId)!;
    expect(run.spanContext().traceId).toBe(CALLER_TRACE);
    expect(parentOf(run)).toBe(CALLER_SPAN);
  });
});
