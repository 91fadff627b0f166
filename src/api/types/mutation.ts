// Mutations: start a run and steer it. Expected failures come back as typed
// union members (see errors.ts); anything else is masked.
import type { ApiContext } from "../context.js";
import { builder } from "../builder.js";
import type { Command } from "../../engine/steering.js";
import { checkpointIdArg, taskIdArg } from "../global-id.js";
import { graphqlStartRequest } from "../start-request.js";
import { CONTROL_ERRORS, RESUME_ERRORS, START_ERRORS, TASK_ERRORS } from "./errors.js";
import { MarkAsEnum, StartRunInput } from "./inputs.js";
import { CheckpointPayload, RunPayload, StartRunPayload } from "./payloads.js";

const runAfter = async (ctx: ApiContext, runId: string) => ({ run: await ctx.runs.requireRun(runId) });

const steer = async (ctx: ApiContext, runId: string, c: Command) => ({ run: await ctx.runs.steer(runId, c) });

builder.mutationFields((t) => ({
  startRun: t.field({
    type: StartRunPayload,
    errors: { types: START_ERRORS },
    args: { input: t.arg({ type: StartRunInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const started = await ctx.runs.startRun(graphqlStartRequest(input), ctx.tracing?.operationTraceparent(ctx));
      // answered once the start is recorded: the run is RUNNING (or already further) by then, not PENDING
      return { run: await ctx.runs.startedRun(started.runId), warnings: started.warnings };
    },
  }),
  checkpointRun: t.field({
    type: CheckpointPayload,
    errors: { types: CONTROL_ERRORS },
    args: { runId: t.arg.id({ required: true }) },
    resolve: async (_r, { runId }, ctx) => {
      const id = await ctx.runs.checkpoint(String(runId));
      const checkpoint = await ctx.runs.store.getCheckpoint(id);
      return { ...(await runAfter(ctx, String(runId))), checkpoint: checkpoint! };
    },
  }),
  resumeRun: t.field({
    type: RunPayload,
    errors: { types: RESUME_ERRORS },
    description: "Continue a paused, settled or interrupted run; from a checkpoint when given (its id or its raw checkpointId)",
    args: { runId: t.arg.id({ required: true }), checkpointId: t.arg.id() },
    resolve: async (_r, { runId, checkpointId }, ctx) => {
      return steer(ctx, String(runId), {
        action: "resume",
        ...(checkpointId != null ? { checkpointId: checkpointIdArg(checkpointId) } : {}),
      });
    },
  }),
  pauseRun: t.field({
    type: RunPayload,
    errors: { types: CONTROL_ERRORS },
    args: { runId: t.arg.id({ required: true }) },
    resolve: async (_r, { runId }, ctx) => {
      return steer(ctx, String(runId), { action: "pause" });
    },
  }),
  cancelRun: t.field({
    type: RunPayload,
    errors: { types: CONTROL_ERRORS },
    description: "Stop a run: it is CANCELLING (as answered) until its running tasks have stopped, then CANCELLED",
    args: { runId: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: async (_r, { runId, reason }, ctx) => {
      return steer(ctx, String(runId), { action: "cancel", ...(reason != null ? { reason } : {}) });
    },
  }),
  retryTask: t.field({
    type: RunPayload,
    errors: { types: TASK_ERRORS },
    description: "Run a failed or cancelled task again. taskId: the task's id or its TaskRun id",
    args: { runId: t.arg.id({ required: true }), taskId: t.arg.string({ required: true }) },
    resolve: async (_r, { runId, taskId }, ctx) => {
      return steer(ctx, String(runId), { action: "retry", taskId: taskIdArg(String(runId), taskId) });
    },
  }),
  markTask: t.field({
    type: RunPayload,
    description: "Declare a failed task done or skipped so that its dependents go on. taskId: the task's id or its TaskRun id",
    errors: { types: TASK_ERRORS },
    args: {
      runId: t.arg.id({ required: true }),
      taskId: t.arg.string({ required: true }),
      as: t.arg({ type: MarkAsEnum, required: true }),
    },
    resolve: async (_r, { runId, taskId, as }, ctx) => {
      return steer(ctx, String(runId), { action: "mark", taskId: taskIdArg(String(runId), taskId), as });
    },
  }),
}));
