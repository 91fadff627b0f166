// Pure: from a run's units and options to the Workflow Argo runs. One DAG task
// per unit, named after the unit index (Conveyor ids such as "3.2" are not
// valid task names), calling multi-task-processor/run-task by templateRef.
// Large runs are cut into successive Workflows that each stay far below
// etcd's 1 MiB object limit (status nodes grow the object as the run goes).
import type { RunOptions } from "../../core/run-options.js";
import type { PlanUnit } from "../../core/task.js";
import { expandCommand } from "../command-template.js";
import type { ArgoParameter, ArgoWorkflow } from "./types.js";

export const RUN_ID_LABEL = "conveyor.dev/run-id";
export const PART_LABEL = "conveyor.dev/part";
export const TEMPLATE_NAME = "multi-task-processor";
export const ENTRYPOINT = "run";

/** A unit as a Workflow carries it; `deps` are unit indexes of tasks in the same Workflow. */
export interface WorkflowUnit {
  index: number;
  id: string;
  title: string;
  definition: Record<string, unknown>;
  memoKey: string;
  /** The unit's own command template (inline definitions), instead of the run's. */
  command?: string;
  deps: number[];
  /** Attempts Conveyor recorded before this Workflow: Argo's retry k is attempt base + k + 1. */
  attemptBase: number;
}

export interface BuildSettings {
  runId: string;
  /** 1-based number of this Workflow among the run's successive ones. */
  part: number;
  options: RunOptions;
  /** spec.parallelism, when less than maxParallel (a part started while another still runs). */
  parallelism?: number;
  /** The task runner's image. */
  image: string;
  /** The run span's W3C traceparent, exported to task pods as TRACEPARENT ("" when tracing is off). */
  traceparent?: string;
  templateName?: string;
}

export interface SplitLimits {
  maxTasks: number;
  /** Budget for the submitted object; the controller then adds status nodes. */
  maxBytes: number;
}

/** 500 tasks and 256 KiB: their status nodes (~600 B per node and attempt) still fit beside the spec. */
export const DEFAULT_LIMITS: SplitLimits = { maxTasks: 500, maxBytes: 256 * 1024 };

export const taskName = (index: number): string => `t-${index}`;

export function buildWorkflow(units: readonly WorkflowUnit[], s: BuildSettings): ArgoWorkflow {
  const o = s.options;
  const inside = new Set(units.map((u) => u.index));
  const templateRef = { name: s.templateName ?? TEMPLATE_NAME, template: "run-task" };
  const tasks = units.map((u) => {
    const deps = u.deps.filter((d) => inside.has(d));
    const command = taskCommand(u, o.command);
    return {
      name: taskName(u.index),
      templateRef,
      // `.Succeeded` explicitly: a failed dependency leaves its dependents Omitted, as Conveyor skips them
      ...(deps.length > 0 ? { depends: deps.map((d) => `${taskName(d)}.Succeeded`).join(" && ") } : {}),
      // with continue-on-error a failure does not fail the DAG, so independent branches go on
      ...(o.continueOnError ? { continueOn: { failed: true, error: true } } : {}),
      arguments: {
        parameters: [
          { name: "task-id", value: u.id },
          { name: "task-json", value: JSON.stringify(u.definition) },
          { name: "attempt-base", value: String(u.attemptBase) },
          // force: a key no earlier run wrote, so Argo's cache is bypassed as Conveyor's is
          { name: "memo-key", value: `c-${u.memoKey}${o.force ? `-${s.runId}` : ""}` },
          ...(command !== undefined ? [{ name: "command", value: command }] : []),
        ],
      },
    };
  });
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: {
      generateName: `conveyor-${s.runId.slice(0, 8)}-`,
      labels: { [RUN_ID_LABEL]: s.runId, [PART_LABEL]: String(s.part), "app.kubernetes.io/managed-by": "conveyor" },
      annotations: { "conveyor.dev/tasks": String(units.length) },
    },
    spec: {
      entrypoint: ENTRYPOINT,
      parallelism: s.parallelism ?? o.maxParallel,
      ...(o.runTimeoutMs !== undefined ? { activeDeadlineSeconds: Math.ceil(o.runTimeoutMs / 1000) } : {}),
      arguments: { parameters: workflowParameters(s) },
      templates: [{ name: ENTRYPOINT, dag: { ...(o.continueOnError ? { failFast: false } : {}), tasks } }],
    },
  };
}

/** The {{workflow.parameters.*}} run-task reads; the WorkflowTemplate declares the same names. */
function workflowParameters(s: BuildSettings): ArgoParameter[] {
  const o = s.options;
  const r = o.retry;
  const p: Record<string, string> = {
    "run-id": s.runId,
    image: s.image,
    command: o.command ?? 'echo "no command for task $CONVEYOR_TASK_ID: give the task a command or the run a command template"; exit 1',
    // the supervisor's retry limit: attempt numbers line up with Argo's retries
    "retry-limit": String(r.retryLimit),
    "retry-backoff": `${Math.ceil(r.baseDelayMs)}ms`,
    "retry-factor": String(Math.max(1, Math.round(r.factor))),
    "retry-max-backoff": `${Math.ceil(r.maxDelayMs)}ms`,
    timeout: String(o.taskTimeoutMs !== undefined ? Math.ceil(o.taskTimeoutMs / 1000) : 7 * 24 * 3600),
    "memo-max-age": `${Math.ceil((o.memoMaxAgeMs ?? 365 * 24 * 3600_000) / 1000)}s`,
    "continue-on-error": String(o.continueOnError),
    "checkpoint-interval": String(o.checkpointInterval),
    "max-parallel-tasks": String(o.maxParallel),
    traceparent: s.traceparent ?? "",
  };
  return Object.entries(p).map(([name, value]) => ({ name, value }));
}

/**
 * A task's own `command` parameter: its command template (or the run's) with the
 * placeholders expanded exactly as the local executor does; none when that is the
 * run's command as it stands (a template without placeholders), which run-task runs.
 */
function taskCommand(u: WorkflowUnit, runCommand: string | undefined): string | undefined {
  const template = u.command ?? runCommand;
  if (template === undefined) return undefined;
  const command = expandCommand(template, { taskId: u.id, title: u.title });
  return command === runCommand ? undefined : command;
}

export function workflowBytes(wf: ArgoWorkflow): number {
  return Buffer.byteLength(JSON.stringify(wf));
}

/**
 * Units that run on Argo with their dependencies as Workflow units: groups are
 * settled by the supervisor, so a dependency on a group stands for the group's
 * own dependencies. Returned in dependency order (stable by unit index).
 */
export function workflowUnits(units: readonly PlanUnit[], attemptBase: (index: number) => number): WorkflowUnit[] {
  const resolved = new Map<number, number[]>();
  const taskDeps = (i: number): number[] => {
    let r = resolved.get(i);
    if (r) return r;
    r = [...new Set(units[i]!.deps.flatMap((d) => (units[d]!.kind === "group" ? taskDeps(d) : [d])))];
    resolved.set(i, r);
    return r;
  };
  return topological(units)
    .filter((u) => u.kind === "task")
    .map((u) => ({
      index: u.index,
      id: u.id,
      title: u.title,
      definition: u.definition,
      memoKey: u.memoKey,
      ...(u.command !== undefined ? { command: u.command } : {}),
      deps: taskDeps(u.index),
      attemptBase: attemptBase(u.index),
    }));
}

function topological(units: readonly PlanUnit[]): PlanUnit[] {
  const waiting = units.map((u) => u.deps.length);
  const dependents: number[][] = units.map(() => []);
  units.forEach((u) => u.deps.forEach((d) => dependents[d]!.push(u.index)));
  const order = units.filter((u) => u.deps.length === 0).map((u) => u.index);
  for (let q = 0; q < order.length; q++) for (const d of dependents[order[q]!]!) if (--waiting[d]! === 0) order.push(d);
  return order.map((i) => units[i]!);
}

/**
 * The next Workflow's units: the longest prefix (in dependency order, so every
 * dependency not yet done is inside it or in an earlier part) within the limits.
 */
export function nextPart(
  pending: readonly WorkflowUnit[],
  limits: SplitLimits,
  build: (u: readonly WorkflowUnit[]) => ArgoWorkflow,
): WorkflowUnit[] {
  let n = Math.min(pending.length, limits.maxTasks);
  while (n > 1 && workflowBytes(build(pending.slice(0, n))) > limits.maxBytes) n = Math.ceil(n / 2);
  return pending.slice(0, n);
}
