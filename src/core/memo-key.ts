// Memo keys: a digest of what a unit does and of everything upstream of it, so
// a cached success can be reused exactly when neither changed. A key covers
// the task's content fields and the command it runs, plus the keys of the units
// it waits for (sorted), so editing a task changes its key and every key
// downstream, and nothing else. Status and priority are not content.
import { hash } from "node:crypto";
import { SubtaskSelectionError, UnknownTasksError } from "./errors.js";
import type { SourceTask, TaskSource } from "./task.js";
import { buildWorkGraph, type WorkGraph, type WorkNode } from "./taskmaster/work-graph.js";

/**
 * One key per node of the graph (same order), for the given run command.
 * Computed for the whole graph in one pass over its strongly connected
 * components, sinks first, so every dependency's key is known when needed.
 * Nodes on a dependency cycle cannot be planned, but a done task downstream of
 * one can be an external dependency, so they still get a deterministic key:
 * their content plus a digest of the whole cycle and what it waits for.
 */
export function graphMemoKeys(graph: WorkGraph, command?: string): string[] {
  const keys: string[] = new Array(graph.nodes.length);
  forEachComponent(graph.nodes, (members) => {
    const first = members[0]!;
    if (members.length === 1 && !graph.nodes[first]!.deps.includes(first)) {
      keys[first] = sha256(memoDocument(graph.nodes[first]!, command, { deps: upstream(graph.nodes[first]!, keys) }));
      return;
    }
    const inside = new Set(members);
    const cycle = sha256(
      JSON.stringify({
        deps: [...new Set(members.flatMap((m) => upstream(graph.nodes[m]!, keys, inside)))].sort(),
        members: members.map((m) => sha256(memoDocument(graph.nodes[m]!, command, {}))).sort(),
      }),
    );
    for (const m of members) keys[m] = sha256(memoDocument(graph.nodes[m]!, command, { cycle }));
  });
  return keys;
}

/** The key the unit for `id` has (or would have) in a plan made with the same options. */
export function sourceMemoKey(source: TaskSource, id: string, opts: { expandSubtasks?: boolean; command?: string } = {}): string {
  const graph = buildWorkGraph(source, opts.expandSubtasks ?? false);
  const i = graph.index.get(id);
  if (i === undefined) throw graph.folded.has(id) ? new SubtaskSelectionError([id]) : new UnknownTasksError([id]);
  return graphMemoKeys(graph, opts.command)[i]!;
}

/**
 * Canonical JSON of what a unit does and what it waits for. Keys are written
 * in sorted order and JSON.stringify drops undefined members, so this is the
 * sorted-key form without sorting at run time (100,000 units must be quick).
 * A folded parent does its subtasks' work too, so their content counts.
 */
function memoDocument(node: WorkNode, runCommand: string | undefined, links: { cycle?: string; deps?: string[] }): string {
  const t = node.task;
  const group = node.kind === "group";
  return JSON.stringify({
    command: group ? undefined : (t.command ?? runCommand),
    cycle: links.cycle,
    deps: links.deps,
    description: t.description,
    details: t.details,
    group: group || undefined,
    id: t.id,
    subtasks: !group && t.subtasks.length > 0 ? t.subtasks.map(subtaskContent) : undefined,
    testStrategy: t.testStrategy,
    title: t.title,
  });
}

function subtaskContent(s: SourceTask): Record<string, unknown> {
  const { command, description, details, id, testStrategy, title } = s;
  return { command, description, details, id, testStrategy, title };
}

/** Sorted keys of a node's dependencies (outside `skip`); missing ids count by name. */
function upstream(node: WorkNode, keys: readonly string[], skip?: ReadonlySet<number>): string[] {
  const out: string[] = [];
  for (const d of node.deps) if (!skip?.has(d)) out.push(keys[d]!);
  for (const m of node.missing) out.push(`missing:${m.dependency}`);
  return out.sort();
}

function sha256(text: string): string {
  return hash("sha256", text, "hex");
}

/**
 * Tarjan's algorithm, iterative (graphs can be 100,000 nodes deep). Calls
 * `emit` with each strongly connected component after all components it
 * depends on.
 */
function forEachComponent(nodes: readonly WorkNode[], emit: (members: number[]) => void): void {
  const n = nodes.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const next = new Int32Array(n); // next dependency to visit, per node
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const calls: number[] = [];
  let counter = 0;
  const enter = (v: number): void => {
    order[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = 1;
    calls.push(v);
  };
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    enter(root);
    while (calls.length > 0) {
      const v = calls[calls.length - 1]!;
      const deps = nodes[v]!.deps;
      if (next[v]! < deps.length) {
        const w = deps[next[v]!++]!;
        if (order[w] === -1) enter(w);
        else if (onStack[w]) low[v] = Math.min(low[v]!, order[w]!);
        continue;
      }
      calls.pop();
      const parent = calls[calls.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent]!, low[v]!);
      if (low[v] !== order[v]) continue;
      const members: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = 0;
        members.push(w);
      } while (w !== v);
      emit(members);
    }
  }
}
