// A run: status, options, counts, progress, and its tasks, checkpoints and events.
import type { RunRecord } from "../../engine/store.js";
import { builder } from "../builder.js";
import { forwardPage, intCursor, pageSize } from "../paging.js";
import { CheckpointRef } from "./checkpoint.js";
import { RunStatusEnum, TaskStatusEnum } from "./enums.js";
import { ProgressRef } from "./progress.js";
import { RunEventRef } from "./run-event.js";
import { TaskRunRef } from "./task-run.js";

export const RunRef = builder.objectRef<RunRecord>("Run");

const RunSource = builder.objectRef<RunRecord["source"]>("RunSource").implement({
  fields: (t) => ({
    origin: t.exposeString("origin", { description: "A file path, inline or ids" }),
    format: t.exposeString("format"),
    tag: t.string({ nullable: true, resolve: (s) => s.tag ?? null }),
    selection: t.string({ nullable: true, resolve: (s) => s.selection ?? null }),
    warnings: t.exposeStringList("warnings"),
  }),
});


builder.node(RunRef, {
  id: { resolve: (r) => r.id },
  loadOne: (id, ctx) => ctx.runs.getRun(id),
  fields: (t) => ({
    status: t.field({
      type: RunStatusEnum,
      description: "INTERRUPTED: left running by a driver that is gone (its lease expired or its process ended); resumeRun continues it",
      resolve: (r, _a, ctx) => ctx.runs.engine.runState(r),
    }),
    reason: t.exposeString("reason", { nullable: true }),
    options: t.field({ type: "JSON", resolve: (r) => r.options }),
    source: t.field({ type: RunSource, resolve: (r) => r.source }),
    total: t.exposeInt("total"),
    pending: t.exposeInt("pending"),
    running: t.exposeInt("running"),
    succeeded: t.exposeInt("succeeded"),
    failed: t.exposeInt("failed"),
    skipped: t.exposeInt("skipped"),
    cancelled: t.exposeInt("cancelled"),
    memoized: t.exposeInt("memoized"),
    lastSeq: t.exposeInt("lastSeq", { description: "Sequence of the run's last event" }),
    driver: t.string({ nullable: true, description: "The process driving the run now", resolve: (r) => r.leaseOwner }),
    createdAt: t.field({ type: "DateTime", resolve: (r) => r.createdAt }),
    startedAt: t.field({ type: "DateTime", nullable: true, resolve: (r) => r.startedAt }),
    finishedAt: t.field({ type: "DateTime", nullable: true, resolve: (r) => r.finishedAt }),
    updatedAt: t.field({ type: "DateTime", resolve: (r) => r.updatedAt }),
    progress: t.field({ type: ProgressRef, resolve: (r, _a, ctx) => ctx.runs.progress(r.id, r) }),
    task: t.field({
      type: TaskRunRef,
      nullable: true,
      args: { taskId: t.arg.string({ required: true }) },
      resolve: async (r, { taskId }, ctx) => {
        const unit = (await ctx.units(r.id)).find((u) => u.id === taskId);
        return unit ? { runId: r.id, unit } : null;
      },
    }),
    tasks: t.connection({
      type: TaskRunRef,
      description: "Tasks in plan order; cursors are plan positions",
      args: { status: t.arg({ type: [TaskStatusEnum], required: false }) },
      resolve: async (r, args, ctx) => {
        const n = pageSize(args);
        const from = args.after == null ? 0 : intCursor(args.after) + 1;
        const wanted = args.status ? new Set<string>(args.status) : null;
        const units = (await ctx.units(r.id)).slice(from).filter((u) => !wanted || wanted.has(u.state.status));
        return forwardPage(units.slice(0, n + 1).map((unit) => ({ runId: r.id, unit })), n, (x) => String(x.unit.index), args.after);
      },
    }),
    checkpoints: t.field({
      type: [CheckpointRef],
      description: "Newest last",
      resolve: (r, _a, ctx) => ctx.runs.store.listCheckpoints(r.id),
    }),
    events: t.connection({
      type: RunEventRef,
      description: "Events in sequence order; cursors are sequence numbers",
      resolve: async (r, args, ctx) => {
        const n = pageSize(args);
        const events = await ctx.runs.store.readEvents(r.id, intCursor(args.after), n + 1);
        return forwardPage(events, n, (e) => String(e.seq), args.after);
      },
    }),
  }),
});
