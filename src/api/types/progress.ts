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

export const ProgressRef = builder.objectRef<Progress>("Progress").implement({
  fields: (t) => ({
    percent: t.exposeFloat("percent"),
    total: t.exposeInt("total"),
    settled: t.exposeInt("settled"),
    counts: t.field({ type: StatusCounts, resolve: (p) => p.counts }),
    memoized: t.exposeInt("memoized"),
    running: t.field({ type: [RunningTask], resolve: (p) => p.running }),
    throughputPerSec: t.exposeFloat("throughputPerSec"),
    etaSeconds: t.float({ nullable: true, resolve: (p) => (p.etaMs === null ? null : p.etaMs / 1000) }),
    etaAt: t.field({ type: "DateTime", nullable: true, resolve: (p) => p.etaAt }),
  }),
});
