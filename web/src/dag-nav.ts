// Moving the keyboard's focus through the DAG: right to a dependent, left to a
// dependency (the one drawn nearest, else the nearest task of the next or the
// previous level), up and down within a level, Home and End to the first and
// the last task. Pure, over the layout's arrays.
import type { Layout } from "./dag-layout.js";

export type Move = "left" | "right" | "up" | "down" | "home" | "end";

/** The tasks depending on each task (the layout holds each task's dependencies). */
export function dependentsOf(l: Layout): number[][] {
  const out: number[][] = Array.from({ length: l.deps.length }, () => []);
  l.deps.forEach((ds, i) => ds.forEach((j) => out[j]!.push(i)));
  return out;
}

export function step(l: Layout, dependents: number[][], from: number, move: Move): number {
  const n = l.deps.length;
  if (n === 0) return -1;
  if (from < 0 || from >= n) return l.members[0]?.[0] ?? 0;
  const level = l.level[from]!;
  const members = l.members[level]!;
  switch (move) {
    case "home":
      return l.members[0]![0]!;
    case "end": {
      const last = l.members[l.members.length - 1]!;
      return last[last.length - 1]!;
    }
    case "up":
    case "down": {
      const k = members.indexOf(from) + (move === "up" ? -1 : 1);
      return members[Math.max(0, Math.min(members.length - 1, k))]!;
    }
    case "right":
    case "left": {
      const linked = move === "right" ? dependents[from]! : Array.from(l.deps[from]!);
      if (linked.length) return nearest(l, linked, from);
      const next = l.members[level + (move === "right" ? 1 : -1)];
      return next?.length ? nearest(l, next, from) : from;
    }
  }
}

/** Of `among`, the task drawn nearest to `to` (by distance on screen), the first on a tie. */
function nearest(l: Layout, among: readonly number[], to: number): number {
  let best = among[0]!;
  let bestD = Number.POSITIVE_INFINITY;
  for (const i of among) {
    const d = Math.hypot(l.x[i]! - l.x[to]!, l.y[i]! - l.y[to]!);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
