// Tracing on with the Argo executor (Kubernetes API and controller doubles, as in
// argo-runs.test.ts): the generated Workflow hands the run span's traceparent to
// its pods, whose run-task container exports it as TRACEPARENT.
import { readFileSync } from "node:fs";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { OtelTracing } from "../../src/observability/otel-tracing.js";
import { openArgoWorld, type ArgoWorld } from "./argo-engine.js";

const CALLER_TRACE = "11112222333344445555666677778888";

describe("argo runs traced", () => {
  let w: ArgoWorld;
  const exporter = new InMemorySpanExporter();
  const tracing = new OtelTracing(exporter, "conveyor-argo-test", true);
  beforeAll(async () => {
    w = await openArgoWorld({ tracer: tracing });
  });
  afterAll(async () => {
    await w?.close();
    await tracing.shutdown();
  });

  it("the Workflow carries the run span's traceparent; run-task exports it as TRACEPARENT", async () => {
    w.controller.behaviour = () => ({ exitCode: 0, stdout: "done\n" });
    const { runId } = await w.engine.startRun({
      source: inlineSource([{ id: "a" }, { id: "b", dependencies: ["a"] }]),
      options: { executor: "argo", command: "./do {id}" },
      traceparent: `00-${CALLER_TRACE}-aaaabbbbccccdddd-01`,
    });
    expect((await w.engine.waitForRun(runId)).status).toBe("succeeded");
    await tracing.flush();
    const root = exporter.getFinishedSpans().find((s) => s.name === "conveyor.run" && s.attributes["conveyor.run.id"] === runId)!;
    const c = root.spanContext();
    expect(c.traceId).toBe(CALLER_TRACE);
    const [wf] = w.k8s.all().filter((x) => x.metadata.labels?.["conveyor.dev/run-id"] === runId);
    const params = Object.fromEntries(
      (wf!.spec.arguments as { parameters: { name: string; value: string }[] }).parameters.map((p) => [p.name, p.value]),
    );
    expect(params.traceparent).toBe(`00-${c.traceId}-${c.spanId}-01`);
    // each Argo attempt is still a span of its own under the run
    const attempts = exporter.getFinishedSpans().filter((s) => s.name === "conveyor.attempt" && s.spanContext().traceId === CALLER_TRACE);
    expect(attempts.map((s) => s.attributes["conveyor.task.id"]).sort()).toEqual(["a", "b"]);

    const template = parse(readFileSync("deploy/argo/multi-task-processor.yaml", "utf8"));
    const runTask = template.spec.templates.find((t: { name: string }) => t.name === "run-task");
    expect(runTask.script.env).toContainEqual({ name: "TRACEPARENT", value: "{{workflow.parameters.traceparent}}" });
    expect(template.spec.arguments.parameters).toContainEqual(expect.objectContaining({ name: "traceparent", value: "" }));
  });
});
