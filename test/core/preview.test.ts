import { describe, expect, it } from "vitest";
import { buildPlan, type Plan, type PlanOptions } from "../../src/core/plan.js";
import { previewRun, type PreviewInput, type RunPreview } from "../../src/core/preview.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { diamond } from "../support/diamond.js";

const S = 1000;
type Source = ReturnType<typeof inlineSource>;

/** The preview of `source` with cache hits and durations given by task id. */
function preview(
  source: Source,
  opts: PlanOptions & { hits?: string[]; ms?: Record<string, number>; maxParallel?: number; force?: boolean } = {},
): RunPreview {
  const plan = buildPlan(source, opts);
  const key = keyOf(plan);
  const input: PreviewInput = {
    plan,
    memoHits: new Set((opts.hits ?? []).map(key)),
    expectedMs: new Map(Object.entries(opts.ms ?? {}).map(([id, ms]) => [key(id), ms])),
    maxParallel: opts.maxParallel ?? 1,
    force: opts.force ?? false,
  };
  return previewRun(input);
}

const keyOf = (plan: Plan) => (id: string) => plan.units.find((u) => u.id === id)!.memoKey;
const levels = (p: RunPreview) => p.levels.map((l) => l.tasks.map((t) => t.id));

describe("previewRun: levels", () => {
  it("groups the tasks that run by dependency depth, in the run's order within a level", () => {
    const p = preview(diamond);
    expect(levels(p)).toEqual([["1", "4"], ["2"], ["3", "5"]]);
    expect(p.levels.map((l) => l.level)).toEqual([1, 2, 3]);
    expect(p.levels[2]!.tasks[1]).toMatchObject({ id: "5", level: 3, dependsOn: ["4", "2"], kind: "task" });
    expect(p).toMatchObject({ total: 5, toRun: 5, skipped: [], external: [] });
  });

  it("the user's order leads within a level, even when it is not dependency order", () => {
    expect(levels(preview(diamond, { selection: ["5", "3", "4", "2", "1"] }))).toEqual([["4", "1"], ["2"], ["5", "3"]]);
  });

  it("a task that settles without running holds nothing up: its dependents move up a level", () => {
    const p = preview(diamond, { hits: ["1", "2"] });
    expect(levels(p)).toEqual([["3", "4"], ["5"]]);
  });

  it("one that waits for a task that runs passes that depth on", () => {
    // 2 is taken from the cache once 1 has run; 3 and 5 wait for it
    expect(levels(preview(diamond, { hits: ["2"] }))).toEqual([
      ["1", "4"],
      ["3", "5"],
    ]);
  });
});

describe("previewRun: what is skipped and why", () => {
  const source = inlineSource([
    { id: 1, status: "done" },
    { id: 2, dependencies: [1] },
    { id: 3, status: "cancelled" },
    { id: 4, dependencies: [2] },
  ]);

  it("names tasks done or cancelled in the file and memo hits of earlier runs", () => {
    const p = preview(source, { hits: ["2"] });
    expect(p.skipped).toEqual([
      { id: "1", title: "1", reason: "done-in-file", detail: "done in the tasks file" },
      { id: "2", title: "2", reason: "memoized", detail: "memo hit: succeeded in an earlier run with the same inputs" },
      { id: "3", title: "3", reason: "cancelled-in-file", detail: "cancelled in the tasks file" },
    ]);
    expect(levels(p)).toEqual([["4"]]);
    expect(p).toMatchObject({ total: 4, toRun: 1 });
  });

  it("--force runs memo hits again; --include-done runs what the file marks done", () => {
    expect(preview(source, { hits: ["2"], force: true }).skipped.map((s) => s.id)).toEqual(["1", "3"]);
    expect(preview(source, { hits: ["2"], includeDone: true }).skipped.map((s) => s.id)).toEqual(["2"]);
  });

  it("a task done in the file is skipped, not a memo hit, whatever the cache holds", () => {
    expect(preview(source, { hits: ["1"] }).skipped[0]!.reason).toBe("done-in-file");
  });
});

describe("previewRun: dependencies outside the selection", () => {
  it("says how each is satisfied, in id order", () => {
    const source = inlineSource([{ id: 10 }, { id: 2, status: "done" }, { id: 3, dependencies: [10, 2] }]);
    const plan = buildPlan(source, { selection: ["3"], completedMemoKeys: new Set([buildPlan(source).units[0]!.memoKey]) });
    const p = previewRun({ plan, memoHits: new Set(), expectedMs: new Map(), maxParallel: 1, force: false });
    expect(p.external).toEqual([
      { id: "2", satisfiedBy: "done", detail: "done in the tasks file" },
      { id: "10", satisfiedBy: "memoized", detail: "completed: succeeded in an earlier run with the same inputs" },
    ]);
    expect(levels(p)).toEqual([["3"]]);
  });
});

describe("previewRun: critical path", () => {
  it("is the longest chain by expected duration, not by number of tasks", () => {
    // 1 -> 2 -> 3 takes 3 s; 4 -> 5 takes 10 s
    const p = preview(diamond, { ms: { "1": S, "2": S, "3": S, "4": 9 * S, "5": S } });
    expect(p.criticalPath).toEqual({ basis: "duration", ms: 10 * S, tasks: ["4", "5"] });
  });

  it("by number of tasks when no earlier run timed any of them", () => {
    expect(preview(diamond).criticalPath).toEqual({ basis: "tasks", ms: null, tasks: ["1", "2", "3"] });
  });

  it("leaves out what would not run", () => {
    const p = preview(diamond, { hits: ["1"], ms: { "2": S, "3": S, "4": S, "5": 5 * S } });
    expect(p.criticalPath.tasks).toEqual(["2", "5"]);
    expect(p.criticalPath.ms).toBe(6 * S);
  });

  it("a group takes no time and is not a step of the path; its subtasks are", () => {
    const source = inlineSource([
      { id: 1 },
      { id: 2, dependencies: [1], subtasks: [{ id: 1 }, { id: 2, dependencies: [1] }] },
      { id: 3, dependencies: [2] },
    ]);
    const p = preview(source, { expandSubtasks: true, ms: { "1": S, "2.1": S, "2.2": S, "3": S } });
    expect(p.criticalPath).toEqual({ basis: "duration", ms: 4 * S, tasks: ["1", "2.1", "2.2", "3"] });
    const group = p.levels.flatMap((l) => l.tasks).find((t) => t.id === "2")!;
    expect(group).toMatchObject({ kind: "group", expectedMs: 0, estimate: "instant", level: 4 });
    expect(p.eta.ms).toBe(4 * S);
  });
});

describe("previewRun: ETA", () => {
  const wide = inlineSource(Array.from({ length: 8 }, (_, i) => ({ id: i + 1 })));
  const ms = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [String(i + 1), 2 * S]));

  it("list-schedules what would run under maxParallel, as the engine's ETA does", () => {
    expect(preview(wide, { ms, maxParallel: 1 }).eta).toEqual({ ms: 16 * S, fromHistory: 8, fromMean: 0 });
    expect(preview(wide, { ms, maxParallel: 4 }).eta.ms).toBe(4 * S);
    expect(preview(wide, { ms, maxParallel: 8 }).eta.ms).toBe(2 * S);
  });

  it("memo hits cost nothing; tasks without history are timed at the others' mean", () => {
    const p = preview(wide, { ms: { "1": S, "2": 3 * S }, hits: ["1", "2"], maxParallel: 2 });
    // six tasks at the 2 s mean on two slots
    expect(p.eta).toEqual({ ms: 6 * S, fromHistory: 0, fromMean: 6 });
    expect(p.levels[0]!.tasks[0]).toMatchObject({ id: "3", expectedMs: 2 * S, estimate: "mean" });
  });

  it("is unknown when nothing was ever timed, and 0 when nothing would run", () => {
    expect(preview(wide, { maxParallel: 4 }).eta).toEqual({ ms: null, fromHistory: 0, fromMean: 0 });
    expect(preview(wide).levels[0]!.tasks[0]).toMatchObject({ expectedMs: null, estimate: "none" });
    const all = Array.from({ length: 8 }, (_, i) => String(i + 1));
    const cached = preview(wide, { hits: all, ms });
    expect(cached).toMatchObject({ toRun: 0, levels: [], eta: { ms: 0 } });
    expect(cached.criticalPath.tasks).toEqual([]);
  });

  it("2,000 tasks in a chain with a fan-out stay quick", () => {
    const tasks = Array.from({ length: 2000 }, (_, i) => ({ id: i + 1, dependencies: i === 0 ? [] : [i % 2 ? i : 1] }));
    const source = inlineSource(tasks);
    const started = performance.now();
    const p = preview(source, { maxParallel: 16 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(p.toRun).toBe(2000);
    expect(p.levels.length).toBe(3);
  });
});
