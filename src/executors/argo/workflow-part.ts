// Pure: one of a run's Workflows as a part of it: its number (conveyor.dev/part),
// per unit the attempt-base it was submitted with, and what its status says of
// each task. The bases come from the spec, fixed once the Workflow exists, so
// they are read once per Workflow.
import { mapTasks, type TaskView } from "./node-mapper.js";
import type { ArgoWorkflow } from "./types.js";
import { PART_LABEL } from "./workflow-builder.js";

export interface Part {
  wf: ArgoWorkflow;
  part: number;
  /** Unit index -> attempts recorded before this Workflow (its run-task attempt-base). */
  bases: Map<number, number>;
  views: Map<number, TaskView>;
}

const TASK = /^t-(\d+)$/;

/** The part a Workflow object is, `known` being the same Workflow as seen before; throws on offloaded node status. */
export function partOf(wf: ArgoWorkflow, known?: Part): Part {
  const bases = known?.bases ?? basesOf(wf);
  const views = new Map<number, TaskView>();
  for (const [name, view] of mapTasks(wf, wf.metadata.name)) {
    const m = TASK.exec(name);
    if (m) views.set(Number(m[1]), view);
  }
  return { wf, part: Number(wf.metadata.labels?.[PART_LABEL] ?? 0), bases, views };
}

/** Unit index -> attempt-base, from the DAG tasks' arguments. */
function basesOf(wf: ArgoWorkflow): Map<number, number> {
  const bases = new Map<number, number>();
  const templates = (wf.spec.templates ?? []) as {
    dag?: { tasks: { name: string; arguments?: { parameters?: { name: string; value?: string }[] } }[] };
  }[];
  for (const t of templates) {
    for (const task of t.dag?.tasks ?? []) {
      const m = TASK.exec(task.name);
      const base = task.arguments?.parameters?.find((p) => p.name === "attempt-base")?.value;
      if (m) bases.set(Number(m[1]), Number(base ?? 0));
    }
  }
  return bases;
}
