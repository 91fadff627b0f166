// Every Argo object Conveyor ships or generates validates against Argo's own
// JSON schema; the generated DAG mirrors the task graph; sizes are measured.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildPlan } from "../../src/core/plan.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { buildWorkflow, nextPart, workflowBytes, workflowUnits, DEFAULT_LIMITS } from "../../src/executors/argo/workflow-builder.js";
import { argoErrors } from "./argo-schema.js";
import { generated, settings } from "./fixtures.js";

type Dag = { tasks: { name: string; depends?: string; continueOn?: unknown; arguments: { parameters: { name: string; value: string }[] } }[]; failFast?: boolean };
const dagOf = (wf: { spec: Record<string, unknown> }) => (wf.spec.templates as { dag: Dag }[])[0]!.dag;

describe("multi-task-processor WorkflowTemplate", () => {
  const template = parse(readFileSync("deploy/argo/multi-task-processor.yaml", "utf8"));
  it("validates against Argo's schema and has the documented shape", () => {
    expect(argoErrors("WorkflowTemplate", template)).toEqual([]);
    expect(template.metadata.name).toBe("multi-task-processor");
    expect(template.spec.entrypoint).toBe("process-task-sequence");
    const params = template.spec.arguments.parameters.map((p: { name: string }) => p.name);
    for (const p of ["task-list", "task-range", "continue-on-error", "checkpoint-interval", "max-parallel-tasks", "retry-limit", "timeout", "image", "command"]) {
      expect(params).toContain(p);
    }
    const runTask = template.spec.templates.find((t: { name: string }) => t.name === "run-task");
    expect(runTask.retryStrategy.limit).toBe("{{workflow.parameters.retry-limit}}");
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
  it.each([100, 1000])("validate against Argo's schema for %i tasks", (n) => {
    const { wf } = generated(n, { maxParallel: 8, continueOnError: true, taskTimeoutMs: 90_000, runTimeoutMs: 3_600_000 });
    expect(argoErrors("Workflow", wf)).toEqual([]);
    expect(dagOf(wf).tasks).toHaveLength(n);
  });

  it("builds one DAG task per unit with depends on .Succeeded, labels, parallelism and retry settings", () => {
    const { units, wf } = generated(12, { maxParallel: 3, retry: { retryLimit: 4, baseDelayMs: 1500, maxDelayMs: 30_000 } });
    expect(wf.metadata.labels!["conveyor.dev/run-id"]).toBe(settings().runId);
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
    const params = Object.fromEntries((wf.spec.arguments as { parameters: { name: string; value: string }[] }).parameters.map((p) => [p.name, p.value]));
    expect(params).toMatchObject({ "retry-limit": "4", "retry-backoff": "1500ms", "retry-max-backoff": "30000ms", command: "./do-task.sh {id}" });
    // the run's template has a placeholder, so each task carries its command expanded
    expect(dag.tasks.map((t) => t.arguments.parameters.find((p) => p.name === "command")?.value)).toEqual(units.map((u) => `./do-task.sh '${u.id}'`));
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
    for (let rest = units; rest.length > 0; ) {
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
