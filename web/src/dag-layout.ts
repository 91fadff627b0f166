// The DAG's layout, pure and linear in tasks + edges so that 10,000 tasks lay
// out in milliseconds: each task's level is one more than its deepest
// dependency's; tasks are grouped by level (a column each, wrapped into a grid
// when a level holds many), and the critical path is the chain of dependencies
// with the longest total duration (a task's measured duration, or the mean of
// those measured when it has not run yet).
import type { Task } from "./types.js";

export interface Layout {
  level: Int32Array;
  /** Position of each task's box (top-left), in layout units. */
  x: Float64Array;
  y: Float64Array;
  size: number;
  width: number;
  height: number;
  levels: number;
  /** Indices of the tasks on the critical path, first to last. */
  critical: number[];
  /** Each level's tasks, in drawing order (top to bottom, then the next column). */
  members: number[][];
  /** Each task's dependencies as indices; -1 never appears (unknown ids are left out). */
  deps: Int32Array[];
  /** Dependencies named by a task's definition that are not in the run (outside the selection). */
  outside: Map<number, string[]>;
  compact: boolean;
}

/** Over this many tasks, boxes are small squares without labels, packed per level. */
export const COMPACT_OVER = 300;

export function layoutDag(tasks: Task[], external: Map<string, string[]> = new Map()): Layout {
  const n = tasks.length;
  const index = new Map<string, number>();
  tasks.forEach((t, i) => index.set(t.taskId, i));
  const deps = tasks.map((t) => Int32Array.from(t.dependencies.map((d) => index.get(d) ?? -1).filter((j) => j >= 0)));
  const order = topological(deps);
  const level = new Int32Array(n);
  for (const i of order) for (const j of deps[i]!) level[i] = Math.max(level[i]!, level[j]! + 1);
  const levels = n === 0 ? 0 : Math.max(...level) + 1;

  const compact = n > COMPACT_OVER;
  const size = compact ? 8 : 28;
  const gap = compact ? 2 : 14;
  const columnGap = compact ? 24 : 90;
  const byLevel: number[][] = Array.from({ length: levels }, () => []);
  for (let i = 0; i < n; i++) byLevel[level[i]!]!.push(i);
  // compact: a level's squares wrap into rows of at most `perRow`, keeping the picture roughly square
  const perColumn = compact ? Math.max(40, Math.ceil(Math.sqrt(n) * 2)) : Number.POSITIVE_INFINITY;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let left = 0;
  let height = 0;
  for (const members of byLevel) {
    const columns = Math.max(1, Math.ceil(members.length / perColumn));
    members.forEach((i, k) => {
      const col = compact ? Math.floor(k / perColumn) : 0;
      const row = compact ? k % perColumn : k;
      x[i] = left + col * (size + gap);
      y[i] = row * (size + gap);
      height = Math.max(height, y[i]! + size);
    });
    left += columns * (size + gap) + columnGap;
  }
  const outside = new Map<number, string[]>();
  for (const [id, names] of external) {
    const i = index.get(id);
    if (i !== undefined && names.length) outside.set(i, names);
  }
  return {
    level,
    x,
    y,
    size,
    width: Math.max(0, left - columnGap),
    height,
    levels,
    critical: criticalPath(tasks, deps, order, level),
    members: byLevel,
    deps,
    outside,
    compact,
  };
}

/** Kahn's order; tasks in a cycle (which the server refuses anyway) come last, in plan order. */
function topological(deps: Int32Array[]): number[] {
  const n = deps.length;
  const indegree = new Int32Array(n);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  deps.forEach((ds, i) =>
    ds.forEach((j) => {
      indegree[i]!++;
      dependents[j]!.push(i);
    }),
  );
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) order.push(i);
  for (let k = 0; k < order.length; k++) for (const d of dependents[order[k]!]!) if (--indegree[d]! === 0) order.push(d);
  if (order.length < n) {
    const seen = new Set(order);
    for (let i = 0; i < n; i++) if (!seen.has(i)) order.push(i);
  }
  return order;
}

export function taskWeight(t: Task, mean: number, now: number): number {
  if (t.durationMs !== null) return t.durationMs;
  if (t.startedAt && (t.status === "RUNNING" || t.status === "RETRYING")) return Math.max(mean, now - Date.parse(t.startedAt));
  return mean;
}

function criticalPath(tasks: Task[], deps: Int32Array[], order: number[], level: Int32Array): number[] {
  const n = tasks.length;
  if (n === 0) return [];
  const known = tasks.filter((t) => t.durationMs !== null);
  const mean = known.length ? known.reduce((s, t) => s + t.durationMs!, 0) / known.length : 1;
  const now = Date.now();
  const finish = new Float64Array(n);
  const via = new Int32Array(n).fill(-1);
  for (const i of order) {
    let start = 0;
    for (const j of deps[i]!) {
      // the path goes through a dependency even when every one took no time
      if (via[i]! < 0 || finish[j]! > start) {
        start = finish[j]!;
        via[i] = j;
      }
    }
    finish[i] = start + taskWeight(tasks[i]!, mean, now);
  }
  let end = 0;
  // on a tie, the deeper end: the longer chain of tasks
  for (let i = 1; i < n; i++) if (finish[i]! > finish[end]! || (finish[i] === finish[end] && level[i]! > level[end]!)) end = i;
  const path: number[] = [];
  for (let i = end; i >= 0; i = via[i]!) path.push(i);
  return path.reverse();
}

/** The task whose box holds the point, if any: a scan, fast enough for one click over 10,000 boxes. */
export function hit(layout: Layout, px: number, py: number): number {
  for (let i = 0; i < layout.x.length; i++) {
    if (px >= layout.x[i]! && px <= layout.x[i]! + layout.size && py >= layout.y[i]! && py <= layout.y[i]! + layout.size) return i;
  }
  return -1;
}
