// A run: status, options, counts, progress, and its tasks, checkpoints and events.
import type { RunRecord } from "../../engine/store.js";
import { builder } from "../builder.js";
import { splitTaskKey } from "../global-id.js";
import { forwardPage, intCursor, pageSize, TOTAL_COUNT } from "../paging.js";
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

const RunTasksConnection = builder.connectionObject(
  {
    type: TaskRunRef,
    name: "RunTasksConnection",
    fields: (t) => ({ totalCount: t.int({ description: TOTAL_COUNT, resolve: (c) => c.totalCount() }) }),
  },
  { name: "RunTasksConnectionEdge" },
);

const RunEventsConnection = builder.connectionObject(
  {
    type: RunEventRef,
    name: "RunEventsConnection",
    fields: (t) => ({ totalCount: t.int({ description: TOTAL_COUNT, resolve: (c) => c.totalCount() }) }),
  },
  { name: "RunEventsConnectionEdge" },
);

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
    archivedAt: t.field({
      type: "DateTime",
      nullable: true,
      description:
        "When the run was archived (docs/retention.md): its tasks, attempts and events are read from the archive, and it cannot be resumed",
      resolve: (r) => r.archivedAt ?? null,
    }),
    progress: t.field({ type: ProgressRef, resolve: async (r, _a, ctx) => ({ runId: r.id, progress: await ctx.runs.progress(r.id, r) }) }),
    task: t.field({
      type: TaskRunRef,
      nullable: true,
      description: "taskId: the task's id or its TaskRun id",
      args: { taskId: t.arg.string({ required: true }) },
      resolve: async (r, { taskId }, ctx) => {
        const key = String(taskId).startsWith("task:") ? splitTaskKey(taskId.slice("task:".length)) : { runId: r.id, taskId };
        if (key?.runId !== r.id) return null;
        const unit = (await ctx.units(r.id)).find((u) => u.id === key.taskId);
        return unit ? { runId: r.id, unit } : null;
      },
    }),
    tasks: t.field({
      type: RunTasksConnection,
      description: "Tasks in plan order; cursors are plan positions. Pages forward (first/after)",
      args: { first: t.arg.int(), after: t.arg.string(), status: t.arg({ type: [TaskStatusEnum], required: false }) },
      resolve: async (r, args, ctx) => {
        const n = pageSize(args);
        const from = args.after == null ? 0 : intCursor(args.after) + 1;
        const wanted = args.status ? new Set<string>(args.status) : null;
        const all = await ctx.units(r.id);
        const units = all.slice(from).filter((u) => !wanted || wanted.has(u.state.status));
        const page = forwardPage(
          units.slice(0, n + 1).map((unit) => ({ runId: r.id, unit })),
          n,
          (x) => String(x.unit.index),
          args.after,
        );
        return { ...page, totalCount: () => (wanted ? all.filter((u) => wanted.has(u.state.status)).length : all.length) };
      },
    }),
    checkpoints: t.field({
      type: [CheckpointRef],
      description: "Newest last",
      resolve: (r, _a, ctx) => ctx.runs.store.listCheckpoints(r.id),
    }),
    events: t.field({
      type: RunEventsConnection,
      description: "Events in sequence order; cursors are sequence numbers. Pages forward (first/after)",
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: async (r, args, ctx) => {
        const n = pageSize(args);
        const events = await ctx.runs.store.readEvents(r.id, intCursor(args.after), n + 1);
        // sequences run 1..lastSeq without gaps
        return { ...forwardPage(events, n, (e) => String(e.seq), args.after), totalCount: () => r.lastSeq };
      },
    }),
  }),
});
