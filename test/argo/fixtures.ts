// Realistic runs for the Argo suites: n tasks with Task Master-like text, each
// depending on the previous one and on one ten places back (a wide, deep DAG).
import { buildPlan } from "../../src/core/plan.js";
import { parseRunOptions, type RunOptionsInput } from "../../src/core/run-options.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import type { PlanUnit } from "../../src/core/task.js";
import { buildWorkflow, workflowUnits, type BuildSettings, type WorkflowUnit } from "../../src/executors/argo/workflow-builder.js";
import type { ArgoWorkflow } from "../../src/executors/argo/types.js";

export function taskDefs(n: number, prefix = "task"): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i + 1}`,
    title: `Implement part ${i + 1} of the feature`,
    description: "Add the module, wire it into the service and cover it with tests.",
    details: "Follow the existing layout; keep the public API unchanged; document new options.",
    dependencies: [i % 3 === 0 ? [] : [`${prefix}-${i}`], i >= 10 && i % 7 === 0 ? [`${prefix}-${i - 9}`] : []].flat(),
  }));
}

export function planUnits(n: number): PlanUnit[] {
  return buildPlan(inlineSource(taskDefs(n)), { command: "./do-task.sh {id}" }).units;
}

export function settings(options: RunOptionsInput = {}, part = 1): BuildSettings {
  return {
    runId: "3f2b8c1e-0000-4000-8000-000000000001",
    part,
    options: parseRunOptions({ executor: "argo", command: "./do-task.sh {id}", ...options }),
    image: "ghcr.io/example/runner:1",
  };
}

export function generated(n: number, options: RunOptionsInput = {}): { units: WorkflowUnit[]; wf: ArgoWorkflow } {
  const units = workflowUnits(planUnits(n), () => 0);
  return { units, wf: buildWorkflow(units, settings(options)) };
}
