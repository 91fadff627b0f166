// How a source's tasks become schedulable work. Without expandSubtasks every
// top-level task is one node that also does its subtasks, so it waits for
// whatever they wait for. With it, a task with subtasks becomes one node per
// subtask (waiting for its own and its parent's dependencies) plus a "group"
// node for the parent that waits for all of them; ids that name the parent
// then mean the group.
import type { SourceTask, TaskSource, UnitKind } from "../task.js";

export interface WorkNode {
  id: string;
  kind: UnitKind;
  /** The task itself; for a group, the parent task. */
  task: SourceTask;
  /** Indexes of the nodes this one waits for. */
  deps: number[];
  /** Dependencies on ids that exist nowhere in the source. */
  missing: string[];
}

export interface WorkGraph {
  /** In file order; an expanded parent's subtasks come just before its group. */
  nodes: WorkNode[];
  index: Map<string, number>;
  /** Without expandSubtasks: subtask id -> parent id (subtasks are not nodes then). */
  folded: Map<string, string>;
}

export function buildWorkGraph(source: TaskSource, expandSubtasks: boolean): WorkGraph {
  const graph: WorkGraph = { nodes: [], index: new Map(), folded: new Map() };
  const parents: (SourceTask | undefined)[] = []; // per node: the parent of an expanded subtask
  const add = (kind: UnitKind, task: SourceTask, parent?: SourceTask): void => {
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
  const link = (i: number, id: string): void => {
    const target = graph.index.get(graph.folded.get(id) ?? id);
    const node = graph.nodes[i]!;
    if (target === undefined) {
      if (!node.missing.includes(id)) node.missing.push(id);
    } else if (target !== i && added[target] !== i + 1) {
      added[target] = i + 1;
      node.deps.push(target);
    }
  };
  graph.nodes.forEach((node, i) => {
    const t = node.task;
    if (node.kind === "group") {
      for (const sub of t.subtasks) link(i, sub.id);
      return;
    }
    for (const id of t.dependencies) link(i, id);
    // an expanded subtask also waits for its parent's dependencies;
    // a folded parent for whatever its subtasks wait for
    for (const id of parents[i]?.dependencies ?? []) link(i, id);
    for (const sub of t.subtasks) for (const id of sub.dependencies) link(i, id);
    // Only a literal self-reference is a (one-node) cycle: references that fold
    // onto a node (its own subtasks, or its subtasks naming it) are its own work.
    if (t.dependencies.includes(t.id)) node.deps.push(i);
  });
  return graph;
}
