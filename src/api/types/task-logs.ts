// taskLogs: one attempt's output, line by line (live/task-log-stream.ts).
import type { LogItem } from "../live/task-log-stream.js";
import { checkAfter, taskLogTarget } from "../live/task-log-target.js";
import { TaskLogStream } from "../live/task-log-stream.js";
import { builder } from "../builder.js";
import { taskIdArg } from "../global-id.js";
import { tracked } from "./subscription.js";

const LogStreamEnum = builder.enumType("LogStream", { values: { STDOUT: { value: "STDOUT" }, STDERR: { value: "STDERR" } } });

const TaskLogLineRef = builder.objectRef<LogItem>("TaskLogLine").implement({
  description: "A line of a task's output, or (dropped set) a marker of lines that were not delivered",
  fields: (t) => ({
    seq: t.exposeInt("seq", { description: "1, 2, 3, ... per attempt; on a marker, the last line it stands for" }),
    stream: t.field({ type: LogStreamEnum, nullable: true, resolve: (l) => l.stream }),
    text: t.exposeString("text", { nullable: true, description: "The line without its newline" }),
    dropped: t.exposeInt("dropped", {
      nullable: true,
      description: "Set on a marker: this many lines were dropped here (a slow subscriber, or out of the runner's memory)",
    }),
  }),
});

builder.subscriptionFields((t) => ({
  taskLogs: t.field({
    type: TaskLogLineRef,
    description:
      "An attempt's output (default: the latest attempt). An ended attempt's stored tail (stdout's lines, then stderr's); " +
      "a running one's lines so far, then its live lines in order until it ends. Lines after `after` only. Lines a " +
      "subscriber cannot take in time are replaced by one item with `dropped`, never left out silently",
    args: {
      runId: t.arg.id({ required: true }),
      taskId: t.arg.string({ required: true }),
      attempt: t.arg.int(),
      after: t.arg.int({ defaultValue: 0 }),
    },
    subscribe: async (_r, { runId, taskId, attempt, after }, ctx) => {
      const from = checkAfter(after);
      const target = await taskLogTarget(ctx.runs, String(runId), taskIdArg(String(runId), taskId), attempt);
      return tracked(ctx, new TaskLogStream({ bus: ctx.runs.engine.bus, store: ctx.runs.store }, target, { after: from }));
    },
    resolve: (l) => l,
  }),
}));
