// A run's progress: percent, counts by status, what runs now, throughput, ETA.
import type { Progress } from "../../core/progress.js";
import { TASK_STATUSES } from "../../core/status.js";
import { builder } from "../builder.js";

const StatusCounts = builder.objectRef<Progress["counts"]>("StatusCounts").implement({
  fields: (t) => Object.fromEntries(TASK_STATUSES.map((s) => [s, t.exposeInt(s)])),
});

const RunningTask = builder.objectRef<Progress["running"][number]>("RunningTask").implement({
  fields: (t) => ({
    taskId: t.exposeString("id"),
    elapsedMs: t.exposeFloat("elapsedMs"),
  }),
});

/** A run's progress with the run it belongs to: its id keys it in client caches. */
export interface RunProgress {
  runId: string;
  progress: Progress;
}

export const ProgressRef = builder.objectRef<RunProgress>("Progress");

builder.node(ProgressRef, {
  description:
    "A run's progress. Its id (progress:<runId>) is the same in Run.progress and in runProgress's snapshots, so a " +
    "client cache updates the run's progress from either. `percent` is the share of tasks that reached an outcome of " +
    "their own (succeeded, failed or skipped): cancelled tasks did not, so a cancelled run shows how far it got",
  id: { resolve: (p) => p.runId },
  loadOne: async (runId, ctx) => {
    const run = await ctx.runs.getRun(runId);
    return run ? { runId, progress: await ctx.runs.progress(runId, run) } : null;
  },
  fields: (t) => ({
    runId: t.id({ resolve: (p) => p.runId }),
    percent: t.float({ resolve: (p) => p.progress.percent }),
    total: t.int({ resolve: (p) => p.progress.total }),
    settled: t.int({ description: "Tasks settled, cancelled ones included", resolve: (p) => p.progress.settled }),
    counts: t.field({ type: StatusCounts, resolve: (p) => p.progress.counts }),
    memoized: t.int({ resolve: (p) => p.progress.memoized }),
    running: t.field({ type: [RunningTask], resolve: (p) => p.progress.running }),
    throughputPerSec: t.float({ resolve: (p) => p.progress.throughputPerSec }),
    etaSeconds: t.float({ nullable: true, resolve: ({ progress: p }) => (p.etaMs === null ? null : p.etaMs / 1000) }),
    etaAt: t.field({ type: "DateTime", nullable: true, resolve: (p) => p.progress.etaAt }),
  }),
});
