// Paths through a plan's units, counting only the units that run: the depth of
// each (its level) and the critical path. Both walk the units in dependency
// order: plan order puts the user's order first, so it need not be one.
import type { PlanUnit } from "./task.js";

export interface CriticalPath {
  basis: "duration" | "tasks";
  /** Expected length; null when measured in tasks. */
  ms: number | null;
  tasks: string[];
}

/** Whole milliseconds: means of earlier runs are fractions nobody needs. */
export const roundMs = (ms: number | null) => (ms === null ? null : Math.round(ms));

/**
 * Dependency depth among the units that run: a unit that settles without
 * running (skipped, from the cache) holds nothing up. Units are in plan order,
 * which is not topological (the user's order first), so depths are computed in
 * Kahn order.
 */
export function levelsOf(units: readonly PlanUnit[], runs: boolean[]): number[] {
  const level = new Array<number>(units.length).fill(0);
  for (const i of topological(units)) {
    let deepest = 0;
    // a unit that does not run has the depth of what it waits for, passed on
    for (const d of units[i]!.deps) deepest = Math.max(deepest, level[d]!);
    level[i] = runs[i] ? deepest + 1 : deepest;
  }
  return level;
}

/** The longest chain of running units by expected duration (by count when nothing is known); ties go to plan order. */
export function criticalPath(units: readonly PlanUnit[], runs: boolean[], estimates: (number | null)[]): CriticalPath {
  const byCount = estimates.some((e, i) => runs[i] && e === null);
  const weight = (i: number) => (!runs[i] ? 0 : byCount ? (units[i]!.kind === "group" ? 0 : 1) : estimates[i]!);
  const finish = new Float64Array(units.length);
  const via = new Int32Array(units.length).fill(-1);
  let last = -1;
  for (const i of topological(units)) {
    let start = 0;
    for (const d of units[i]!.deps) {
      if (finish[d]! > start || (finish[d] === start && via[i] !== -1 && d < via[i]!)) {
        start = finish[d]!;
        via[i] = d;
      }
    }
    finish[i] = start + weight(i);
    if (runs[i] && (last === -1 || finish[i]! > finish[last]! || (finish[i] === finish[last] && i < last))) last = i;
  }
  const path: string[] = [];
  for (let i = last; i !== -1; i = via[i]!) if (runs[i] && units[i]!.kind === "task") path.push(units[i]!.id);
  path.reverse();
  return { basis: byCount ? "tasks" : "duration", ms: byCount || last === -1 ? null : roundMs(finish[last]!), tasks: path };
}

/** Unit indexes, every one after its dependencies (the plan is acyclic: buildPlan checked). */
function topological(units: readonly PlanUnit[]): number[] {
  const waiting = units.map((u) => u.deps.length);
  const dependents: number[][] = units.map(() => []);
  for (const u of units) for (const d of u.deps) dependents[d]!.push(u.index);
  const order = units.filter((u) => u.deps.length === 0).map((u) => u.index);
  for (let q = 0; q < order.length; q++) {
    for (const next of dependents[order[q]!]!) if (--waiting[next]! === 0) order.push(next);
  }
  return order;
}
