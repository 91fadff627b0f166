// How a source's tasks become schedulable work. Without expandSubtasks every
// top-level task is one node that also does its subtasks, so it waits for
// whatever they wait for. With it, a task with subtasks becomes one node per
// subtask (waiting for its own and its parent's dependencies) plus a "group"
// node for the parent that waits for all of them; ids that name the parent
// then mean the group. A folded parent waits only for what its unfinished
// subtasks wait for: a finished subtask's dependencies are history.
import type { SourceTask, TaskSource, UnitKind } from "../task.js";

/** A dependency on an id that exists nowhere, and the task or subtask that carries it. */
export interface MissingEdge {
  task: string;
  dependency: string;
  /** Carried by a subtask done or cancelled in the file, folded into its parent: only worth a warning. */
  settled?: true;
}

export interface WorkNode {
  id: string;
  kind: UnitKind;
  /** The task itself; for a group, the parent task. */
  task: SourceTask;
  /** Indexes of the nodes this one waits for. */
  deps: number[];
  /** Dependencies on ids that exist nowhere in the source. */
  missing: MissingEdge[];
}

export interface WorkGraph {
  /** In file order; an expanded parent's subtasks come just before its group. */
  nodes: WorkNode[];
  index: Map<string, number>;
  /** Without expandSubtasks: subtask id -> parent id (subtasks are not nodes then). */
  folded: Map<string, string>;
  /**
   * Ids that name more than one node, where some copy is not finished: which one
   * a run or a dependency means cannot be told. The first copy is the node;
   * later copies are left out (copies that are all done or cancelled are one).
   */
  ambiguous: Set<string>;
}

const FINISHED = new Set(["done", "cancelled"]);
const isFinished = (t: SourceTask): boolean => FINISHED.has(t.status ?? "pending");

export function buildWorkGraph(source: TaskSource, expandSubtasks: boolean): WorkGraph {
  const graph: WorkGraph = { nodes: [], index: new Map(), folded: new Map(), ambiguous: new Set() };
  const parents: (SourceTask | undefined)[] = []; // per node: the parent of an expanded subtask
  const add = (kind: UnitKind, task: SourceTask, parent?: SourceTask): void => {
    const first = graph.index.get(task.id);
    if (first !== undefined) {
      if (!isFinished(task) || !isFinished(graph.nodes[first]!.task)) graph.ambiguous.add(task.id);
      return;
    }
    graph.index.set(task.id, graph.nodes.length);
    graph.nodes.push({ id: task.id, kind, task, deps: [], missing: [] });
    parents.push(parent);
  };
  for (const task of source.tasks) {
    if (!expandSubtasks || task.subtasks.length === 0) {
      add("task", task);
      for (const sub of task.subtasks) graph.folded.set(sub.id, task.id);
      continue;
    }
    for (const sub of task.subtasks) add("task", sub, task);
    add("group", task);
  }

  // Every id is known now; link each node to what it waits for.
  // added[t] === i + 1 when node i already waits for node t: O(1) de-duplication.
  const added = new Int32Array(graph.nodes.length);
  const link = (i: number, id: string, carrier: SourceTask): void => {
    const target = graph.index.get(graph.folded.get(id) ?? id);
    const node = graph.nodes[i]!;
    if (target === undefined) {
      if (node.missing.some((m) => m.task === carrier.id && m.dependency === id)) return;
      const settled = carrier !== node.task && carrier.parentId === node.task.id && isFinished(carrier);
      node.missing.push({ task: carrier.id, dependency: id, ...(settled && { settled: true as const }) });
    } else if (target !== i && added[target] !== i + 1) {
      added[target] = i + 1;
      node.deps.push(target);
    }
  };
  graph.nodes.forEach((node, i) => {
    const t = node.task;
    if (node.kind === "group") {
      for (const sub of t.subtasks) link(i, sub.id, t);
      return;
    }
    for (const id of t.dependencies) link(i, id, t);
    // an expanded subtask also waits for its parent's dependencies (carried by the parent);
    // a folded parent for whatever its unfinished subtasks wait for
    const parent = parents[i];
    for (const id of parent?.dependencies ?? []) link(i, id, parent!);
    for (const sub of t.subtasks) {
      if (!isFinished(sub)) for (const id of sub.dependencies) link(i, id, sub);
      else for (const id of sub.dependencies) if (!graph.index.has(graph.folded.get(id) ?? id)) link(i, id, sub);
    }
    // Only a literal self-reference is a (one-node) cycle: references that fold
    // onto a node (its own subtasks, or its subtasks naming it) are its own work.
    if (t.dependencies.includes(t.id)) node.deps.push(i);
  });
  return graph;
}
