// Every Argo object Conveyor ships or generates is structurally sound (our own
// checks in workflow-shape.ts: names, references, depends, parameter values,
// retryStrategy, labels); the generated DAG mirrors the task graph; sizes are
// measured. Validation against Argo's full JSON schema is test-corpus/argo-schema.test.ts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildPlan } from "../../src/core/plan.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { buildWorkflow, nextPart, workflowBytes, workflowUnits, DEFAULT_LIMITS } from "../../src/executors/argo/workflow-builder.js";
import { generated, settings } from "./fixtures.js";
import { workflowShapeErrors } from "./workflow-shape.js";

type Dag = {
  tasks: { name: string; depends?: string; continueOn?: unknown; arguments: { parameters: { name: string; value: string }[] } }[];
  failFast?: boolean;
};
const dagOf = (wf: { spec: Record<string, unknown> }) => (wf.spec.templates as { dag: Dag }[])[0]!.dag;

describe("multi-task-processor WorkflowTemplate", () => {
  const template = parse(readFileSync("deploy/argo/multi-task-processor.yaml", "utf8"));
  it("is structurally sound and has the documented shape", () => {
    expect(workflowShapeErrors(template)).toEqual([]);
    expect(template.metadata.name).toBe("multi-task-processor");
    expect(template.spec.entrypoint).toBe("process-task-sequence");
    const params = template.spec.arguments.parameters.map((p: { name: string }) => p.name);
    for (const p of [
      "task-list",
      "task-range",
      "continue-on-error",
      "checkpoint-interval",
      "max-parallel-tasks",
      "retry-limit",
      "timeout",
      "image",
      "command",
    ]) {
      expect(params).toContain(p);
    }
    const runTask = template.spec.templates.find((t: { name: string }) => t.name === "run-task");
    expect(runTask.retryStrategy).toMatchObject({
      limit: "{{workflow.parameters.retry-limit}}",
      retryPolicy: "Always",
      backoff: {
        duration: "{{workflow.parameters.retry-backoff}}",
        factor: "{{workflow.parameters.retry-factor}}",
        cap: "{{workflow.parameters.retry-max-backoff}}",
      },
    });
    expect(runTask.inputs.parameters.map((p: { name: string }) => p.name)).toEqual([
      "task-id",
      "task-json",
      "attempt-base",
      "memo-key",
      "command",
    ]);
    expect(runTask.memoize.cache.configMap.name).toBe("conveyor-memo-cache");
    expect(template.spec.onExit).toBe("exit-handler");
  });

  it("declares every workflow parameter run-task reads, and generated Workflows pass them all", () => {
    const text = readFileSync("deploy/argo/multi-task-processor.yaml", "utf8");
    const read = new Set([...text.matchAll(/workflow\.parameters\.([a-z-]+)/g)].map((m) => m[1]!));
    const declared = new Set(template.spec.arguments.parameters.map((p: { name: string }) => p.name));
    for (const name of read) expect(declared.has(name), name).toBe(true);
    const runTask = template.spec.templates.find((t: { name: string }) => t.name === "run-task");
    const runTaskReads = new Set([...JSON.stringify(runTask).matchAll(/workflow\.parameters\.([a-z-]+)/g)].map((m) => m[1]!));
    const passed = new Set((generated(3).wf.spec.arguments as { parameters: { name: string }[] }).parameters.map((p) => p.name));
    for (const name of runTaskReads) expect(passed.has(name), name).toBe(true);
  });
});

describe("generated Workflows", () => {
  it.each([100, 1000])("are structurally sound for %i tasks", (n) => {
    const { units, wf } = generated(n, { maxParallel: 8, continueOnError: true, taskTimeoutMs: 90_000, runTimeoutMs: 3_600_000 });
    expect(workflowShapeErrors(wf)).toEqual([]);
    expect(dagOf(wf).tasks).toHaveLength(n);
    expect(wf).toMatchObject({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Workflow",
      spec: { entrypoint: "run", parallelism: 8, activeDeadlineSeconds: 3600 },
    });
    expect((wf.spec.templates as { name: string }[]).map((t) => t.name)).toEqual(["run"]);
    // every task calls run-task of the WorkflowTemplate, which holds the retryStrategy and memoize
    const tasks = dagOf(wf).tasks as unknown as { templateRef: unknown; arguments: { parameters: { name: string; value: unknown }[] } }[];
    for (const t of tasks) {
      expect(t.templateRef).toEqual({ name: "multi-task-processor", template: "run-task" });
      expect(t.arguments.parameters.map((p) => p.name)).toEqual(["task-id", "task-json", "attempt-base", "memo-key", "command"]);
      expect(t.arguments.parameters.every((p) => typeof p.value === "string")).toBe(true);
    }
    const params = (wf.spec.arguments as { parameters: { name: string; value: string }[] }).parameters;
    expect(params.find((p) => p.name === "timeout")!.value).toBe("90");
    expect(units.map((u) => u.index).sort((a, b) => a - b)).toEqual(
      dagOf(wf)
        .tasks.map((t) => Number(t.name.slice(2)))
        .sort((a, b) => a - b),
    );
  });

  it("the shape check refuses what Argo would: an unknown dependency, a cycle, a number as parameter value, a bad label", () => {
    const broken = () =>
      structuredClone(generated(4).wf) as unknown as {
        metadata: { labels: Record<string, string> };
        spec: { templates: { dag: { tasks: Record<string, any>[] } }[] };
      };
    const unknown = broken();
    unknown.spec.templates[0]!.dag.tasks[1]!.depends = "t-99.Succeeded";
    expect(workflowShapeErrors(unknown)).toEqual([expect.stringMatching(/depends on t-99, which is not a task of this DAG/)]);
    const cycle = broken();
    cycle.spec.templates[0]!.dag.tasks[0]!.depends = `${cycle.spec.templates[0]!.dag.tasks[1]!.name}.Succeeded`;
    cycle.spec.templates[0]!.dag.tasks[1]!.depends = `${cycle.spec.templates[0]!.dag.tasks[0]!.name}.Succeeded`;
    expect(workflowShapeErrors(cycle)).toContainEqual(expect.stringMatching(/form a cycle/));
    const number = broken();
    number.spec.templates[0]!.dag.tasks[0]!.arguments.parameters[2].value = 0;
    expect(workflowShapeErrors(number)).toEqual([expect.stringMatching(/\(attempt-base\)\.value must be a string/)]);
    const label = broken();
    label.metadata.labels["conveyor.dev/run-id"] = "not a label value";
    expect(workflowShapeErrors(label)).toEqual([expect.stringMatching(/not a valid label value/)]);
  });

  it("builds one DAG task per unit with depends on .Succeeded, labels, parallelism and retry settings", () => {
    const { units, wf } = generated(12, { maxParallel: 3, retry: { retryLimit: 4, baseDelayMs: 1500, maxDelayMs: 30_000 } });
    expect(wf.metadata.labels).toEqual({
      "conveyor.dev/run-id": settings().runId,
      "conveyor.dev/part": "1",
      "app.kubernetes.io/managed-by": "conveyor",
    });
    expect(wf.metadata.generateName).toBe("conveyor-3f2b8c1e-");
    expect(wf.spec.parallelism).toBe(3);
    const dag = dagOf(wf);
    expect(dag.failFast).toBeUndefined();
    const byName = new Map(dag.tasks.map((t) => [t.name, t]));
    for (const u of units) {
      const t = byName.get(`t-${u.index}`)!;
      expect(t.depends).toBe(u.deps.length ? u.deps.map((d) => `t-${d}.Succeeded`).join(" && ") : undefined);
      expect(t.arguments.parameters.find((p) => p.name === "task-id")!.value).toBe(u.id);
      expect(JSON.parse(t.arguments.parameters.find((p) => p.name === "task-json")!.value)).toEqual(u.definition);
    }
    const params = Object.fromEntries(
      (wf.spec.arguments as { parameters: { name: string; value: string }[] }).parameters.map((p) => [p.name, p.value]),
    );
    expect(params).toMatchObject({
      "retry-limit": "4",
      "retry-backoff": "1500ms",
      "retry-max-backoff": "30000ms",
      command: "./do-task.sh {id}",
    });
    // the run's template has a placeholder, so each task carries its command expanded
    expect(dag.tasks.map((t) => t.arguments.parameters.find((p) => p.name === "command")?.value)).toEqual(
      units.map((u) => `./do-task.sh '${u.id}'`),
    );
  });

  it("passes a task's own command (inline definitions) as its command parameter; a run command without placeholders stays the workflow's", () => {
    const units = workflowUnits(buildPlan(inlineSource([{ id: "x", command: "make {id}" }, { id: "y" }])).units, () => 0);
    const dag = dagOf(buildWorkflow(units, settings({ command: "make all" })));
    expect(dag.tasks.map((t) => t.arguments.parameters.find((p) => p.name === "command")?.value)).toEqual(["make 'x'", undefined]);
  });

  it("with continue-on-error: failFast off and continueOn on every task", () => {
    const dag = dagOf(generated(5, { continueOnError: true }).wf);
    expect(dag.failFast).toBe(false);
    expect(dag.tasks.every((t) => (t.continueOn as { failed: boolean }).failed)).toBe(true);
  });

  it("splits large runs into parts within the limits, each closed under pending dependencies", () => {
    const { units } = generated(1000);
    const parts = [];
    for (let rest = units; rest.length > 0;) {
      const part = nextPart(rest, DEFAULT_LIMITS, (u) => buildWorkflow(u, settings()));
      parts.push(part);
      rest = rest.slice(part.length);
    }
    expect(parts.length).toBeGreaterThanOrEqual(2);
    const seen = new Set<number>();
    for (const part of parts) {
      const wf = buildWorkflow(part, settings());
      expect(workflowBytes(wf)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxBytes);
      for (const u of part) for (const d of u.deps) expect(seen.has(d) || part.some((p) => p.index === d)).toBe(true);
      part.forEach((u) => seen.add(u.index));
    }
    expect(seen.size).toBe(1000);
  });

  it("measures the single-Workflow object size for 100, 1,000 and 10,000 tasks", () => {
    const sizes = [100, 1000, 10_000].map((n) => [n, workflowBytes(generated(n).wf)] as const);
    console.log(sizes.map(([n, b]) => `argo workflow for ${n} tasks: ${(b / 1024).toFixed(1)} KiB`).join("\n"));
    expect(sizes[2]![1]).toBeGreaterThan(1024 * 1024); // why splitting exists
    expect(sizes[0]![1]).toBeLessThan(DEFAULT_LIMITS.maxBytes);
  });
});
