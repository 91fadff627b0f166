// One task of a run: its state, attempts, timings and result.
import { outsideDependencies } from "../../core/outside-dependencies.js";
import type { StoredUnit } from "../../engine/store.js";
import { builder } from "../builder.js";
import { splitTaskKey, taskKey } from "../global-id.js";
import { AttemptRef } from "./attempt.js";
import { TaskStatusEnum } from "./enums.js";

export interface TaskRunShape {
  runId: string;
  unit: StoredUnit;
}

export const TaskRunRef = builder.objectRef<TaskRunShape>("TaskRun");

/** The task ids of a run's units, made once per units array (a page of 500 tasks asks 500 times). */
const idSets = new WeakMap<readonly StoredUnit[], Set<string>>();
function idsOf(units: readonly StoredUnit[]): Set<string> {
  let ids = idSets.get(units);
  if (!ids) idSets.set(units, (ids = new Set(units.map((u) => u.id))));
  return ids;
}

builder.node(TaskRunRef, {
  id: { resolve: (t) => taskKey(t.runId, t.unit.id) },
  loadOne: async (key, ctx) => {
    const k = splitTaskKey(key);
    if (!k) return null;
    const unit = (await ctx.units(k.runId)).find((u) => u.id === k.taskId);
    return unit ? { runId: k.runId, unit } : null;
  },
  fields: (t) => ({
    taskId: t.string({ resolve: (x) => x.unit.id }),
    runId: t.exposeID("runId"),
    title: t.string({ resolve: (x) => x.unit.title }),
    definition: t.field({
      type: "JSON",
      description: "The task as its source gives it (Task Master: title, description, details, testStrategy, dependencies, ...)",
      resolve: (x) => x.unit.definition,
    }),
    memoKey: t.string({ description: "The key its result is cached under (hex sha256)", resolve: (x) => x.unit.memoKey }),
    kind: t.string({ resolve: (x) => x.unit.kind, description: "task, or group (an expanded parent)" }),
    status: t.field({ type: TaskStatusEnum, resolve: (x) => x.unit.state.status }),
    memoized: t.boolean({ resolve: (x) => x.unit.state.memoized, description: "Settled from the memo cache" }),
    attemptCount: t.int({ resolve: (x) => x.unit.state.attempts }),
    error: t.string({ nullable: true, resolve: (x) => x.unit.state.error }),
    result: t.field({ type: "JSON", nullable: true, resolve: (x) => x.unit.state.result ?? null }),
    progress: t.float({ nullable: true, resolve: (x) => x.unit.state.progress }),
    blockedBy: t.string({
      nullable: true,
      description: "The failed task that caused this one to be skipped",
      resolve: async (x, _args, ctx) => {
        const i = x.unit.state.blockedBy;
        return i === null ? null : ((await ctx.units(x.runId))[i]?.id ?? null);
      },
    }),
    dependencies: t.stringList({
      resolve: async (x, _args, ctx) => {
        const units = await ctx.units(x.runId);
        return x.unit.deps.map((i) => units[i]!.id);
      },
    }),
    outsideDependencies: t.stringList({
      description:
        "Dependencies the task's definition names that the run does not hold (outside its selection: done in the file, or left out), as the definition names them",
      resolve: async (x, _args, ctx) => {
        const ids = idsOf(await ctx.units(x.runId));
        // a definition is an object as planned; a stored one read back as JSON null names nothing
        return outsideDependencies(x.unit.definition?.dependencies, (id) => ids.has(id));
      },
    }),
    startedAt: t.field({ type: "DateTime", nullable: true, resolve: (x) => x.unit.state.startedAt }),
    finishedAt: t.field({ type: "DateTime", nullable: true, resolve: (x) => x.unit.state.finishedAt }),
    durationMs: t.float({
      nullable: true,
      resolve: ({ unit: { state: s } }) => (s.startedAt !== null && s.finishedAt !== null ? s.finishedAt - s.startedAt : null),
    }),
    attempts: t.field({
      type: [AttemptRef],
      resolve: (x, _args, ctx) => ctx.runs.store.listAttempts(x.runId, x.unit.index),
    }),
  }),
});
