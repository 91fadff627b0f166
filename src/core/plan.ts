// From a source and a selection to the units of a run: which tasks run, in
// which priority order, what each waits for, and which dependencies outside
// the run are already satisfied.
import {
  DependencyCycleError,
  describeMissing,
  DuplicateTaskIdError,
  EmptySelectionError,
  MissingDependencyError,
  NothingToRunError,
  SubtaskSelectionError,
  UnknownTasksError,
  UnsatisfiedDependencyError,
} from "./errors.js";
import { graphMemoKeys } from "./memo-key.js";
import type { PlanUnit, SourceTask, TaskSource } from "./task.js";
import { buildWorkGraph, type WorkGraph } from "./taskmaster/work-graph.js";

export interface PlanOptions {
  /** Canonical ids (see parseSelection); undefined = every top-level task. */
  selection?: string[];
  /** Run subtasks as units of their own, with a group unit per parent. */
  expandSubtasks?: boolean;
  /** Pull unsatisfied dependencies outside the selection into the plan. */
  withDependencies?: boolean;
  /** Run tasks the file marks done or cancelled instead of skipping them. */
  includeDone?: boolean;
  /** The run's command template; part of every memo key. */
  command?: string;
  /** Memo keys of earlier successes: dependencies outside the selection with one of these are satisfied. */
  completedMemoKeys?: ReadonlySet<string>;
}

export interface Plan {
  units: PlanUnit[];
  warnings: string[];
  satisfiedExternal: { id: string; reason: "done" | "memoized" }[];
}

type Edge = { task: string; dependency: string };

/** The source's dependency graph and every node's memo key: what a plan is built on. */
export interface PreparedGraph {
  graph: WorkGraph;
  keys: string[];
}

/**
 * Built once per run: the caller looks the keys up in the memo cache (to learn
 * which outside dependencies are satisfied) and hands the same graph to buildPlan.
 */
export function prepareGraph(source: TaskSource, opts: Pick<PlanOptions, "expandSubtasks" | "command"> = {}): PreparedGraph {
  const graph = buildWorkGraph(source, opts.expandSubtasks ?? false);
  return { graph, keys: graphMemoKeys(graph, opts.command) };
}

export function buildPlan(source: TaskSource, opts: PlanOptions = {}, prepared = prepareGraph(source, opts)): Plan {
  const { graph, keys } = prepared;
  const inPlan = new Uint8Array(graph.nodes.length);
  const order = selectedNodes(graph, opts.selection, inPlan, source.tag);

  // Walk dependencies from the selection; `order` grows as dependencies are pulled in.
  // Only what will run is judged: a unit that starts skipped (done or cancelled
  // in the file) waits for nothing, so its broken dependencies are only worth a warning.
  const satisfied = new Map<number, "done" | "memoized">();
  const missing = new Map<string, Edge>();
  const unheeded = new Map<string, Edge>();
  const ambiguous = new Set<string>();
  const unsatisfied: Edge[] = [];
  const firstPulled = order.length;
  for (let q = 0; q < order.length; q++) {
    const node = graph.nodes[order[q]!]!;
    const skipped = startsSkipped(node.task, opts);
    if (graph.ambiguous.has(node.id)) ambiguous.add(node.id);
    for (const m of node.missing) {
      const edge = { task: m.task, dependency: m.dependency };
      (skipped || (m.settled && !opts.includeDone) ? unheeded : missing).set(`${m.task}\0${m.dependency}`, edge);
    }
    if (skipped) continue;
    for (const d of node.deps) {
      if (graph.ambiguous.has(graph.nodes[d]!.id)) ambiguous.add(graph.nodes[d]!.id);
      if (inPlan[d] || satisfied.has(d)) continue;
      if (graph.nodes[d]!.task.status === "done") satisfied.set(d, "done");
      else if (opts.completedMemoKeys?.has(keys[d]!)) satisfied.set(d, "memoized");
      else if (opts.withDependencies) {
        inPlan[d] = 1;
        order.push(d);
      } else unsatisfied.push({ task: node.id, dependency: graph.nodes[d]!.id });
    }
  }
  if (ambiguous.size > 0) throw new DuplicateTaskIdError([...ambiguous]);
  if (missing.size > 0) throw new MissingDependencyError([...missing.values()]);
  if (unsatisfied.length > 0) throw new UnsatisfiedDependencyError(unsatisfied);
  // Pulled-in dependencies run after the selection, in file order (node order is file order).
  const pulled = order.splice(firstPulled).sort((a, b) => a - b);
  order.push(...pulled);

  const unitIndex = new Int32Array(graph.nodes.length).fill(-1);
  order.forEach((node, i) => (unitIndex[node] = i));
  const units = order.map((n, index): PlanUnit => {
    const node = graph.nodes[n]!;
    const unit: PlanUnit = {
      index,
      id: node.id,
      title: node.task.title,
      kind: node.kind,
      definition: definitionOf(node.task),
      deps: node.deps.filter((d) => inPlan[d]).map((d) => unitIndex[d]!),
      memoKey: keys[n]!,
    };
    if (node.kind === "task" && node.task.command !== undefined) unit.command = node.task.command;
    if (startsSkipped(node.task, opts)) {
      unit.initial = { status: "skipped", reason: `${node.task.status} in tasks file` };
    }
    return unit;
  });
  assertAcyclic(units);

  // the source's own warnings are the caller's to show (they come with the source, once)
  const warnings: string[] = [];
  if (unheeded.size > 0) {
    warnings.push(
      `dependencies on ids that do not exist, on work done or cancelled in the file (not waited for): ${describeMissing([...unheeded.values()])}`,
    );
  }
  if (units.every((u) => u.initial)) {
    warnings.push(
      `all ${units.length} units are done or cancelled in the tasks file; use --include-done (includeDone in the API) to run them`,
    );
  }
  const satisfiedExternal = [...satisfied].map(([n, reason]) => ({ id: graph.nodes[n]!.id, reason }));
  return { units, warnings, satisfiedExternal };
}

function startsSkipped(task: SourceTask, opts: PlanOptions): boolean {
  return !opts.includeDone && (task.status === "done" || task.status === "cancelled");
}

/**
 * Node indexes of the selection in the user's order (marked in `inPlan`); a
 * selected expanded parent stands for its subtasks followed by its group.
 */
function selectedNodes(graph: WorkGraph, selection: string[] | undefined, inPlan: Uint8Array, tag: string | undefined): number[] {
  const ids = selection ?? graph.nodes.filter((n) => n.task.parentId === undefined).map((n) => n.id);
  if (ids.length === 0) {
    if (selection) throw new EmptySelectionError();
    throw new NothingToRunError(`the ${tag !== undefined ? `tag "${tag}"` : "source"} has no tasks: nothing to run`);
  }
  const unknown: string[] = [];
  const subtasks: string[] = [];
  const order: number[] = [];
  const pick = (n: number): void => {
    if (inPlan[n]) return;
    inPlan[n] = 1;
    order.push(n);
  };
  for (const id of ids) {
    const n = graph.index.get(id);
    if (n === undefined) (graph.folded.has(id) ? subtasks : unknown).push(id);
    else if (graph.nodes[n]!.kind === "group") {
      graph.nodes[n]!.deps.forEach(pick);
      pick(n);
    } else pick(n);
  }
  if (unknown.length > 0) throw new UnknownTasksError(unknown);
  if (subtasks.length > 0) throw new SubtaskSelectionError(subtasks);
  return order;
}

/** What executors see of a task (CONVEYOR_TASK_JSON): its own fields, no subtasks. */
function definitionOf(task: SourceTask): Record<string, unknown> {
  const definition: Record<string, unknown> = { id: task.id, title: task.title };
  for (const k of DEFINITION_TEXT) if (task[k] !== undefined) definition[k] = task[k];
  definition.dependencies = [...task.dependencies];
  if (task.parentId !== undefined) definition.parentId = task.parentId;
  return definition;
}

const DEFINITION_TEXT = ["description", "details", "testStrategy", "status", "priority"] as const;

/**
 * Kahn's algorithm over the units (those that start skipped are settled, so
 * they are free whatever they wait for); if some are never freed they sit on or
 * behind a cycle, and following dependencies among them from any one of them
 * must come back around. That walk spells the cycle out in dependency order.
 */
function assertAcyclic(units: readonly PlanUnit[]): void {
  const n = units.length;
  const waiting = new Int32Array(n);
  const dependents: number[][] = units.map(() => []);
  for (const u of units) {
    if (u.initial) continue;
    waiting[u.index] = u.deps.length;
    for (const d of u.deps) dependents[d]!.push(u.index);
  }
  const ready = units.filter((u) => u.initial || u.deps.length === 0).map((u) => u.index);
  for (let q = 0; q < ready.length; q++) {
    for (const dep of dependents[ready[q]!]!) if (--waiting[dep]! === 0) ready.push(dep);
  }
  if (ready.length === n) return;

  const seenAt = new Int32Array(n).fill(-1);
  const path: number[] = [];
  let v = waiting.findIndex((w) => w > 0);
  while (seenAt[v] === -1) {
    seenAt[v] = path.length;
    path.push(v);
    v = units[v]!.deps.find((d) => waiting[d]! > 0)!;
  }
  throw new DependencyCycleError(path.slice(seenAt[v]).map((i) => units[i]!.id));
}
