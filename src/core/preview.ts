// What a run would do, before it is recorded: from a resolved plan, the memo
// hits of earlier runs and their durations to the tasks that would run (by
// dependency level), what would be skipped and why, how dependencies outside the
// selection are satisfied, the critical path and the ETA. The ETA is the one the
// engine shows once the run goes (computeProgress), so the two agree.
import type { Plan } from "./plan.js";
import { criticalPath, levelsOf, roundMs, type CriticalPath } from "./plan-paths.js";
import { computeProgress, type ProgressUnit } from "./progress.js";
import type { TaskStatus } from "./status.js";
import type { UnitKind } from "./task.js";

export interface PreviewInput {
  plan: Plan;
  /** Memo keys with a cached success (already empty of what --force or --memo-max-age exclude). */
  memoHits: ReadonlySet<string>;
  /** Mean durations of earlier runs, by memo key. */
  expectedMs: ReadonlyMap<string, number>;
  maxParallel: number;
  /** Tasks run again whatever the cache holds. */
  force: boolean;
}

/** Where a unit's expected duration comes from: its own history, the others' mean, nowhere; a group takes none. */
export type EstimateBasis = "history" | "mean" | "none" | "instant";

export interface PreviewTask {
  id: string;
  title: string;
  kind: UnitKind;
  /** 1 for tasks that wait for nothing that runs; else one more than the deepest dependency that runs. */
  level: number;
  /** Ids of the run's units this one waits for (those that run and those that settle without running). */
  dependsOn: string[];
  /** What the ETA assumes; null when no earlier run says anything. A group takes 0. */
  expectedMs: number | null;
  estimate: EstimateBasis;
}

export type SkipReason = "done-in-file" | "cancelled-in-file" | "memoized";

export interface PreviewSkip {
  id: string;
  title: string;
  reason: SkipReason;
  /** The reason in words. */
  detail: string;
}

export interface PreviewExternal {
  id: string;
  /** "done": done in the tasks file; "memoized": completed by an earlier run with the same inputs. */
  satisfiedBy: "done" | "memoized";
  detail: string;
}

export interface RunPreview {
  /** Units the run would hold (what `run` reports as its task count). */
  total: number;
  /** Units that would run (tasks and groups). */
  toRun: number;
  maxParallel: number;
  levels: { level: number; tasks: PreviewTask[] }[];
  skipped: PreviewSkip[];
  external: PreviewExternal[];
  /**
   * The chain of dependent tasks that bounds the run however wide the pool:
   * longest by expected duration, or by number of tasks when no duration is known.
   */
  criticalPath: CriticalPath;
  /** The engine's ETA for the run as it would start: the rest list-scheduled under maxParallel. */
  eta: { ms: number | null; fromHistory: number; fromMean: number };
  warnings: string[];
}

export const MEMO_DETAIL = "succeeded in an earlier run with the same inputs";

export function previewRun(input: PreviewInput): RunPreview {
  const { plan } = input;
  const units = plan.units;
  const memoized = (i: number) => !input.force && units[i]!.kind === "task" && !units[i]!.initial && input.memoHits.has(units[i]!.memoKey);

  // The units as the engine would see them at the run's start: file-skipped ones settled, cache hits as
  // settled successes (the engine takes them from the cache the moment they are ready, in no time).
  const progressUnits: ProgressUnit[] = units.map((u, i) => {
    const status: TaskStatus = u.initial ? "skipped" : memoized(i) ? "succeeded" : "pending";
    const expected = input.expectedMs.get(u.memoKey);
    return {
      id: u.id,
      status,
      deps: u.deps,
      memoized: memoized(i),
      ...(expected !== undefined ? { expectedMs: expected } : {}),
      instant: u.kind === "group",
    };
  });
  const progress = computeProgress({ now: 0, maxParallel: input.maxParallel, units: progressUnits, perTask: true });
  const estimates = progress.perTask!.map((t) => t.expectedMs);
  const runs = progressUnits.map((u) => u.status === "pending");

  const level = levelsOf(units, runs);
  const byLevel = new Map<number, PreviewTask[]>();
  const skipped: PreviewSkip[] = [];
  let fromHistory = 0;
  let fromMean = 0;
  units.forEach((u, i) => {
    if (!runs[i]) {
      skipped.push(skipOf(u.id, u.title, u.initial?.reason, memoized(i)));
      return;
    }
    const basis: EstimateBasis =
      u.kind === "group" ? "instant" : input.expectedMs.has(u.memoKey) ? "history" : estimates[i] === null ? "none" : "mean";
    if (basis === "history") fromHistory++;
    else if (basis === "mean") fromMean++;
    const task: PreviewTask = {
      id: u.id,
      title: u.title,
      kind: u.kind,
      level: level[i]!,
      dependsOn: u.deps.map((d) => units[d]!.id),
      expectedMs: roundMs(estimates[i] ?? null),
      estimate: basis,
    };
    const row = byLevel.get(task.level) ?? [];
    row.push(task);
    byLevel.set(task.level, row);
  });

  return {
    total: units.length,
    toRun: runs.filter(Boolean).length,
    maxParallel: input.maxParallel,
    levels: [...byLevel.keys()].sort((a, b) => a - b).map((l) => ({ level: l, tasks: byLevel.get(l)! })),
    skipped,
    external: [...plan.satisfiedExternal]
      .sort((a, b) => byId(a.id, b.id))
      .map(({ id, reason }) => ({
        id,
        satisfiedBy: reason,
        detail: reason === "done" ? "done in the tasks file" : `completed: ${MEMO_DETAIL}`,
      })),
    criticalPath: criticalPath(units, runs, estimates),
    eta: { ms: roundMs(progress.etaMs), fromHistory, fromMean },
    warnings: plan.warnings,
  };
}

/** "2" before "10", "3.2" before "3.10": how people number tasks. */
const byId = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

function skipOf(id: string, title: string, initial: string | undefined, memoized: boolean): PreviewSkip {
  if (memoized) return { id, title, reason: "memoized", detail: `memo hit: ${MEMO_DETAIL}` };
  const cancelled = initial?.startsWith("cancelled") ?? false;
  return {
    id,
    title,
    reason: cancelled ? "cancelled-in-file" : "done-in-file",
    detail: `${cancelled ? "cancelled" : "done"} in the tasks file`,
  };
}
